import type { Operator } from '../operator.js';
import type { Source } from '../source.js';
import { StageBase, type StageOptions } from '../stage.js';
import { checkCount, checkStageOptions } from '../validate.js';
import { acceptsFusion } from './fused.js';

class TakeStage<T> extends StageBase<T, T> {
  private remaining: number;
  constructor(source: Source<T>, count: number, options: StageOptions | undefined) {
    super('take', source, options);
    this.remaining = count;
    // take(0) finishes without reading: the source is closed on the first next() (C1).
    this.stopBeforePull = count === 0;
  }
  protected override step(value: T): T {
    // Finished once the count is reached: the next pull closes the source instead of
    // reading an item nobody asked for.
    if (--this.remaining === 0) this.stopBeforePull = true;
    return value;
  }
}

/**
 * Pass the first `count` items, then finish: the source is closed (C1) on the next read,
 * so nothing is read beyond what was asked for.
 *
 * @param count - A whole number from 0 up, or `Infinity`.
 * @param options - `signal` and `closeTimeout`, as for `aclosing`.
 * @returns An operator for {@link pipe}.
 * @throws TypeError / RangeError at the call when `count` is not a whole number from 0 up.
 * @example
 * ```ts
 * import { pipe, take } from 'iterscope';
 *
 * async function* forever() { let i = 0; while (true) yield i++; }
 * for await (const x of pipe(forever(), take(3))) console.log(x); // 0, 1, 2
 * ```
 */
export function take<T>(count: number, options?: StageOptions): Operator<T, T> {
  checkCount('take', 'count', count);
  checkStageOptions('take', options);
  return acceptsFusion((source) => new TakeStage<T>(source, count, options));
}
