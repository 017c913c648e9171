import { NO_ERROR } from '../errors.js';
import type { Exit } from '../exit.js';
import type { Operator } from '../operator.js';
import { classify, type Source } from '../source.js';
import { StageBase, type StageOptions } from '../stage.js';
import { checkRange, checkStageOptions, describe } from '../validate.js';
import { Child, closeAll, NO_SOURCE, Owner, type ChildSink } from './children.js';

const PENDING = 0;
const VALUE = 1;
const FAILED = 2;
const ENDED = 3;

/** One read-ahead slot; the ring of `size` slots is allocated once, with bound handlers. */
class Slot<T> {
  state = PENDING;
  value: unknown;
  constructor(private readonly stage: BufferedStage<T>) {}
  readonly onResult = (result: unknown): void => {
    if (typeof result !== 'object' || result === null) {
      this.onError(new TypeError(`buffered: the source's next() resolved to ${describe(result)}, not an iterator result.`));
      return;
    }
    if ((result as IteratorResult<T>).done === true) {
      this.state = ENDED;
    } else {
      this.state = VALUE;
      this.value = (result as IteratorYieldResult<T>).value;
    }
    this.stage.slotSettled(this);
  };
  readonly onError = (error: unknown): void => {
    this.state = FAILED;
    this.value = error;
    this.stage.slotSettled(this);
  };
}

class BufferedStage<T> extends StageBase<T, never> implements ChildSink<T> {
  private readonly input: Child<T>;
  private readonly owner: Owner;
  private readonly slots: Slot<T>[] = [];
  /** Ring positions: the oldest undelivered read, and how many reads are undelivered. */
  private head = 0;
  private count = 0;
  /** A read came back done or failed: no further reads are issued (C1). */
  private ended = false;
  private wanted = false;

  constructor(source: Source<T>, private readonly size: number, options: StageOptions | undefined) {
    super('buffered', NO_SOURCE, options);
    this.owner = new Owner(this.record, 'buffered');
    this.input = new Child<T>(classify('buffered', source), 0, this, this.owner, options?.signal);
  }

  protected step(): never {
    throw new TypeError('buffered reads its source itself');
  }

  // The source is read through slots, not through the child's own read().
  childResult(): void {
    /* unused */
  }
  childError(): void {
    /* unused */
  }

  protected override pull(): void {
    this.wanted = true;
    this.fill();
    if (this.isOpen) this.deliverHead();
  }

  /** Keep up to `size` reads in flight or waiting, in order. */
  private fill(): void {
    let iterator: AsyncIterator<T>;
    try {
      iterator = this.input.open(this.sourceSignal);
    } catch (error) {
      this.input.markFinished();
      this.sourceFailed(error);
      return;
    }
    while (!this.ended && this.count < this.size) {
      const slot = this.slotAt(this.head + this.count);
      slot.state = PENDING;
      this.count++;
      let pending: unknown;
      try {
        pending = iterator.next();
      } catch (error) {
        slot.onError(error);
        return;
      }
      Promise.resolve(pending).then(slot.onResult, slot.onError);
    }
  }

  private slotAt(position: number): Slot<T> {
    const i = position % this.size;
    let slot = this.slots[i];
    if (slot === undefined) {
      slot = new Slot<T>(this);
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
      this.input.markFinished();
      // C5: an error read ahead is reported if the stream is abandoned before it is read.
      if (slot.state === FAILED) this.owner.keep(slot.value);
    }
    if (this.wanted) this.deliverHead();
  }

  /** Answer the pending next() with the oldest read, if it has settled. */
  private deliverHead(): void {
    if (this.count === 0) {
      if (this.ended) {
        this.wanted = false;
        this.finish(false);
      }
      return;
    }
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
      this.sourceFailed(slot.value);
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
