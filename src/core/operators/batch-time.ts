import type { Operator } from '../operator.js';
import type { Source } from '../source.js';
import type { StageOptions } from '../stage.js';
import { checkRange, checkStageOptions } from '../validate.js';
import { TimedStage } from './timed.js';

class BatchTimeStage<T> extends TimedStage<T[], T> {
  private items: T[] = [];

  constructor(
    source: Source<T>,
    private readonly ms: number,
    private readonly max: number,
    options: StageOptions | undefined,
  ) {
    super('batchTime', source, options);
  }

  protected override collect(value: T): void {
    this.items.push(value);
    if (this.items.length >= this.max) this.releaseNow();
    else if (this.items.length === 1) this.timer.start(this.ms); // the batch's time counts from its first item
  }

  // Never an empty batch: a timer runs only while the batch holds an item.
  protected override release(): void {
    if (this.items.length === 0) return;
    const items = this.items;
    this.items = [];
    this.pass(items);
  }
}

/**
 * Group items into arrays, each passed when it holds `max` items or when `ms` milliseconds
 * have gone by since its first item, whichever comes first (RxJS's `bufferTime(ms,
 * null, max)`, without empty batches). When the source ends, the last, partial batch is
 * passed at once. Never passes an empty array.
 *
 * The source is read ahead while a batch's time runs, even when nobody is waiting on the
 * stream (that is how the batch fills); the timer is cleared on every stop (`break`,
 * `return()`, an abort, an error, the source's end) and when the stream is abandoned (C7).
 * A slow consumer pauses the reading instead of piling batches up: a batch that is due and
 * not yet taken stops further reads.
 *
 * A source that fails while a batch is being filled: the partial batch is passed first, at
 * once, and the error after it (RxJS drops it; iterscope never drops what it already read
 * for an error that came after it). An abort (`options.signal`, or an abort below) wins at
 * once and drops the partial batch, as on `return()`.
 *
 * Time comes from the global `setTimeout`, so fake timers (`vi.useFakeTimers()`) drive it.
 * A source that is always ready (an array, a synchronous generator) delivers its items
 * within one turn of the event loop, before any timer can fire: its batches are closed by
 * `max` alone (with `max` Infinity, one batch of everything; a source that is always ready
 * and never ends then keeps the stage reading, as it would keep a `for` loop running).
 *
 * @param ms - The longest a batch waits after its first item: a finite number of
 * milliseconds from 0 up.
 * @param max - Items per batch at most: a whole number from 1 up, or `Infinity` (time
 * alone decides).
 * @param options - `signal` and `closeTimeout`, as for `aclosing`.
 * @returns An operator for {@link pipe}.
 * @throws TypeError / RangeError at the call when `ms`, `max` or an option is wrong.
 * @example
 * ```ts
 * import { pipe, batchTime, toArray } from 'iterscope';
 *
 * async function* rows() {
 *   yield 1; yield 2; yield 3; // full batches of 2 pass at once
 *   await new Promise((resolve) => setTimeout(resolve, 40)); // the partial batch [3] waits 10 ms
 *   yield 4;
 * }
 * console.log(await toArray(pipe(rows(), batchTime(10, 2)))); // [[1, 2], [3], [4]]
 * ```
 */
export function batchTime<T>(ms: number, max: number, options?: StageOptions): Operator<T, T[]> {
  checkRange('batchTime', 'ms', ms, 'delay');
  checkRange('batchTime', 'max', max, 'concurrency');
  checkStageOptions('batchTime', options);
  return (source) => new BatchTimeStage<T>(source, ms, max, options);
}
