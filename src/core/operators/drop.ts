import type { Operator } from '../operator.js';
import type { Source } from '../source.js';
import { SKIP, StageBase, type StageOptions, type StepResult } from '../stage.js';
import { checkCount, checkStageOptions } from '../validate.js';
import { acceptsFusion } from './fused.js';

class DropStage<T> extends StageBase<T, T> {
  private remaining: number;
  constructor(source: Source<T>, count: number, options: StageOptions | undefined) {
    super('drop', source, options);
    this.remaining = count;
  }
  protected override step(value: T): StepResult<T> {
    if (this.remaining > 0) {
      this.remaining--;
      return SKIP;
    }
    return value;
  }
}

/**
 * Skip the first `count` items, then pass the rest.
 *
 * @param count - A whole number from 0 up, or `Infinity` (which passes nothing).
 * @param options - `signal` and `closeTimeout`, as for `aclosing`.
 * @returns An operator for {@link pipe}.
 * @throws TypeError / RangeError at the call when `count` is not a whole number from 0 up.
 * @example
 * ```ts
 * import { pipe, drop } from 'iterscope';
 *
 * for await (const x of pipe(['header', 'a', 'b'], drop(1))) console.log(x); // 'a', 'b'
 * ```
 */
export function drop<T>(count: number, options?: StageOptions): Operator<T, T> {
  checkCount('drop', 'count', count);
  checkStageOptions('drop', options);
  return acceptsFusion((source) => new DropStage<T>(source, count, options));
}
