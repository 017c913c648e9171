import type { Operator } from '../operator.js';
import type { Source } from '../source.js';
import type { StageOptions } from '../stage.js';
import { checkRange, checkStageOptions } from '../validate.js';
import { TimedStage } from './timed.js';

class DebounceStage<T> extends TimedStage<T, T> {
  private held: T | undefined;
  private holding = false;

  constructor(
    source: Source<T>,
    private readonly ms: number,
    options: StageOptions | undefined,
  ) {
    super('debounce', source, options);
  }

  // A newer item replaces the held one and starts the quiet period again.
  protected override collect(value: T): void {
    this.held = value;
    this.holding = true;
    this.timer.start(this.ms);
  }

  protected override release(): void {
    if (!this.holding) return;
    const value = this.held as T;
    this.held = undefined;
    this.holding = false;
    this.pass(value);
  }
}

/**
 * Pass an item once `ms` milliseconds have gone by without a newer one (RxJS's
 * `debounceTime`): each item replaces the one held before it and starts the wait again.
 * When the source ends, the held item is passed at once, then the stream is done.
 *
 * The source is read ahead while the wait runs, even when nobody is waiting on the stream
 * (a newer item is what cancels the held one); the timer is cleared on every stop
 * (`break`, `return()`, an abort, an error, the source's end) and when the stream is
 * abandoned (C7). A slow consumer pauses the reading instead of piling items up: an item
 * whose wait ended and that the consumer has not taken yet stops further reads.
 *
 * A source that fails while an item is held: the held item is passed first, at once, and
 * the error after it (RxJS drops the item; iterscope never drops what it already read for
 * an error that came after it). An abort (`options.signal`, or an abort below) wins at
 * once and drops the held item, as on `return()`.
 *
 * Time comes from the global `setTimeout`, so fake timers (`vi.useFakeTimers()`) drive it.
 * A source that is always ready (an array, a synchronous generator) delivers its items
 * within one turn of the event loop, before any timer can fire: only its last item passes
 * (and one that never ends keeps the stage reading, as it would keep a `for` loop running).
 *
 * @param ms - The quiet period: a finite number of milliseconds from 0 up.
 * @param options - `signal` and `closeTimeout`, as for `aclosing`.
 * @returns An operator for {@link pipe}.
 * @throws TypeError / RangeError at the call when `ms` or an option is wrong.
 * @example
 * ```ts
 * import { pipe, debounce, toArray } from 'iterscope';
 *
 * // Two bursts of keystrokes with 60 ms of quiet between them.
 * async function* keystrokes() {
 *   yield 'i'; yield 'it'; yield 'ite';
 *   await new Promise((resolve) => setTimeout(resolve, 60));
 *   yield 'iter'; yield 'iters';
 * }
 * console.log(await toArray(pipe(keystrokes(), debounce(20)))); // ['ite', 'iters']
 * ```
 */
export function debounce<T>(ms: number, options?: StageOptions): Operator<T, T> {
  checkRange('debounce', 'ms', ms, 'delay');
  checkStageOptions('debounce', options);
  return (source) => new DebounceStage<T>(source, ms, options);
}
