import type { Operator } from '../operator.js';
import type { Source } from '../source.js';
import { SKIP, StageBase, type StageOptions, type StepResult } from '../stage.js';
import { checkRange, checkStageOptions } from '../validate.js';
import { acceptsFusion } from './fused.js';

class ThrottleStage<T> extends StageBase<T, T> {
  private passedAt = -Infinity;
  constructor(
    source: Source<T>,
    private readonly ms: number,
    options: StageOptions | undefined,
  ) {
    super('throttle', source, options);
  }
  protected override step(value: T): StepResult<T> {
    const now = Date.now();
    if (now - this.passedAt < this.ms) return SKIP;
    this.passedAt = now;
    return value;
  }
}

/**
 * Pass an item, then drop every item that arrives within `ms` milliseconds of it (RxJS's
 * `throttleTime` with its defaults). Nothing waits: no timer is set, so there is nothing
 * to clear when the stream stops; time is read from `Date.now()`, which fake timers
 * (`vi.useFakeTimers()`) control. To slow a fast source down instead of dropping items,
 * wait inside `map` (or use `interval` with `zip`).
 *
 * @param ms - The quiet window after each passed item: a finite number of milliseconds
 * from 0 up.
 * @param options - `signal` and `closeTimeout`, as for `aclosing`.
 * @returns An operator for {@link pipe}.
 * @throws TypeError / RangeError at the call when `ms` or an option is wrong.
 * @example
 * ```ts
 * import { pipe, throttle, interval, take, toArray } from 'iterscope';
 *
 * // A tick every 10 ms, at most one passed per 25 ms.
 * const passed = await toArray(pipe(interval(10), throttle(25), take(3)));
 * console.log(passed.length); // 3 (about every third tick)
 * ```
 */
export function throttle<T>(ms: number, options?: StageOptions): Operator<T, T> {
  checkRange('throttle', 'ms', ms, 'delay');
  checkStageOptions('throttle', options);
  return acceptsFusion((source) => new ThrottleStage<T>(source, ms, options));
}
