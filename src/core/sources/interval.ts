import type { Exit } from '../exit.js';
import { StageBase, type Stage, type StageOptions } from '../stage.js';
import { checkRange, checkStageOptions } from '../validate.js';

class IntervalStage extends StageBase<number, never> {
  private count = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  constructor(
    private readonly ms: number,
    options: StageOptions | undefined,
  ) {
    super('interval', NOTHING, options);
  }
  protected override hasCleanup = true;
  protected override pull(): void {
    this.timer = setTimeout(this.tick, this.ms);
  }
  private readonly tick = (): void => {
    this.timer = undefined;
    if (this.isOpen) this.emit(this.count++);
  };
  protected override cleanup(_exit: Exit): void {
    // The timer is cleared on every stop, so a stream nobody reads keeps nothing alive.
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }
}

const NOTHING: readonly never[] = Object.freeze([]);

/**
 * 0, 1, 2, ... one every `ms` milliseconds, counted from each read: the timer starts when
 * the consumer asks for the next number, so a slow consumer is never sent a backlog. The
 * timer is cleared when the stream stops for any reason (`break`, `return()`, an abort).
 * Tests can drive it with fake timers (`vi.useFakeTimers()`); it uses the global
 * `setTimeout`.
 *
 * @param ms - The delay before each number: a finite number of milliseconds from 0 up.
 * @param options - `signal` and `closeTimeout`, as for `aclosing`.
 * @returns A stage of the numbers; it never ends on its own.
 * @throws TypeError / RangeError at the call when `ms` or an option is wrong.
 * @example
 * ```ts
 * import { interval, pipe, take } from 'iterscope';
 *
 * for await (const n of pipe(interval(10), take(3))) console.log(n); // 0, 1, 2
 * ```
 */
export function interval(ms: number, options?: StageOptions): Stage<number> {
  checkRange('interval', 'ms', ms, 'delay');
  checkStageOptions('interval', options);
  return new IntervalStage(ms, options);
}
