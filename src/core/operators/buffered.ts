import { NO_ERROR } from '../errors.js';
import type { Exit } from '../exit.js';
import type { Input } from '../input.js';
import type { Operator } from '../operator.js';
import { classify, type Source } from '../source.js';
import type { StageOptions } from '../stage.js';
import { checkRange, checkStageOptions } from '../validate.js';
import { closeAll, InputsStage } from './children.js';

const PENDING = 0;
const VALUE = 1;
const FAILED = 2;
const ENDED = 3;

/** One read-ahead slot; the ring of `size` slots is allocated once, with bound handlers. */
class Slot<T> {
  state = PENDING;
  value: unknown;
  constructor(
    private readonly stage: BufferedStage<T>,
    private readonly input: Input<T>,
  ) {}
  readonly onResult = (result: unknown): void => {
    const checked = this.input.resolved(result);
    if (checked === undefined) {
      this.fail(this.input.notAResult(result));
      return;
    }
    if (checked.done === true) {
      this.state = ENDED;
    } else {
      this.state = VALUE;
      this.value = checked.value;
    }
    this.stage.slotSettled(this);
  };
  readonly onError = (error: unknown): void => {
    this.input.rejected();
    this.fail(error);
  };
  private fail(error: unknown): void {
    this.state = FAILED;
    this.value = error;
    this.stage.slotSettled(this);
  }
}

class BufferedStage<T> extends InputsStage<T, T> {
  // The one source, read by hand: several reads in flight, answered through the slots.
  private readonly input: Input<T>;
  private readonly slots: Slot<T>[] = [];
  /** Ring positions: the oldest undelivered read, and how many reads are undelivered. */
  private head = 0;
  private count = 0;
  /** A read came back done or failed: no further reads are issued (C1). */
  private ended = false;
  private wanted = false;

  constructor(source: Source<T>, private readonly size: number, options: StageOptions | undefined) {
    const classified = classify('buffered', source);
    super('buffered', options);
    this.input = this.inputOf(classified, 0, undefined);
  }

  protected override pull(): void {
    this.wanted = true;
    this.fill();
    if (this.isOpen) this.deliverHead();
  }

  /** Keep up to `size` reads in flight or waiting, in order. */
  private fill(): void {
    const signal = this.sourceSignal;
    while (!this.ended && this.count < this.size) {
      const slot = this.slotAt(this.head + this.count);
      slot.state = PENDING;
      this.count++;
      let pending: unknown;
      try {
        pending = this.input.request(signal);
      } catch (error) {
        slot.onError(error); // opening or next() threw: the source failed (C1)
        return;
      }
      Promise.resolve(pending).then(slot.onResult, slot.onError);
    }
  }

  private slotAt(position: number): Slot<T> {
    const i = position % this.size;
    let slot = this.slots[i];
    if (slot === undefined) {
      slot = new Slot<T>(this, this.input);
      this.slots[i] = slot;
    }
    return slot;
  }

  slotSettled(slot: Slot<T>): void {
    if (!this.isOpen) {
      // Closed while reads were in flight: late items are dropped, late errors reported (C5).
      if (slot.state === FAILED) this.lateError(slot.value);
      return;
    }
    if (slot.state === ENDED || slot.state === FAILED) {
      // C1: the source finished (done or rejected): never closed, never read again.
      this.ended = true;
      // C5: an error read ahead is reported if the stream is abandoned before it is read.
      if (slot.state === FAILED) this.keep(slot.value);
    }
    if (this.wanted) this.deliverHead();
  }

  /**
   * Answer the pending next() with the oldest read, if it has settled. There is always one
   * counted: `fill()` runs before, and the read that came back done or failed stays counted
   * until it is delivered, which stops the stage.
   */
  private deliverHead(): void {
    const slot = this.slotAt(this.head);
    const state = slot.state;
    if (state === PENDING) return;
    this.wanted = false;
    if (state === VALUE) {
      const value = slot.value as T;
      slot.value = undefined;
      this.head = (this.head + 1) % this.size;
      this.count--;
      this.fill(); // read ahead again while the consumer works on this item
      if (this.isOpen) this.emit(value);
    } else if (state === FAILED) {
      this.count = 0;
      this.sourceFailed(slot.value, this.input.iterator);
    } else {
      this.count = 0;
      this.finish(false);
    }
  }

  protected override closeChildren(exit: Exit, deadlineAt: number): Promise<unknown> | typeof NO_ERROR {
    // C5: an error read ahead that nobody asked for is reported, not dropped with the buffer.
    for (let i = 0; i < this.count; i++) {
      const slot = this.slots[(this.head + i) % this.size];
      if (slot?.state === FAILED) this.lateError(slot.value);
    }
    this.count = 0;
    return closeAll([this.input], exit, deadlineAt, this.stageName);
  }
}

/**
 * Read ahead: keep up to `size` calls to the source's `next()` in flight or answered and
 * waiting, so the source works while the consumer is busy (the read-ahead the async
 * iterator helpers proposal plans). Items are passed on in order. The source must accept
 * several `next()` calls at once and answer them in order, as async generators and
 * iterscope stages do.
 *
 * Items read ahead but never consumed are dropped when the stream stops; the source is
 * closed then (C1) unless it had already finished.
 *
 * @param size - How many reads to keep ahead: a whole number from 1 up.
 * @param options - `signal` and `closeTimeout`, as for `aclosing`.
 * @returns An operator for {@link pipe}.
 * @throws TypeError / RangeError at the call when `size` is not a whole number from 1 up.
 * @example
 * ```ts
 * import { pipe, map, buffered } from 'iterscope';
 *
 * const slowSquare = async (x: number) => { await new Promise((r) => setTimeout(r, 5)); return x * x; };
 * for await (const x of pipe([1, 2, 3], map(slowSquare), buffered(2))) console.log(x); // 1, 4, 9
 * ```
 */
export function buffered<T>(size: number, options?: StageOptions): Operator<T, T> {
  checkRange('buffered', 'size', size, 'size');
  checkStageOptions('buffered', options);
  return (source) => new BufferedStage<T>(source, size, options);
}
