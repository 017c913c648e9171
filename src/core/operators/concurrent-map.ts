/**
 * `map(fn, { concurrency })`: up to `concurrency` calls of `fn` at once. The source is read
 * one item at a time (a source need not accept concurrent `next()` calls), ahead of the
 * consumer while fewer than `concurrency` items are being mapped or waiting to be read.
 * Results come in source order (`ordered`, the default) or as they finish.
 */
import type { Exit } from '../exit.js';
import type { Input, InputSink } from '../input.js';
import { classify, isThenable, type Source } from '../source.js';
import type { StageOptions } from '../stage.js';
import { closeAll, InputsStage } from './children.js';

const RUNNING = 0;
const VALUE = 1;
const FAILED = 2;

/** One item being mapped, or mapped and not yet read. */
interface Slot {
  state: typeof RUNNING | typeof VALUE | typeof FAILED;
  value: unknown;
  /** In `slots` already (ordered slots join when they start). */
  queued: boolean;
}

/** @internal */
export class ConcurrentMapStage<T, U> extends InputsStage<U, T> implements InputSink<T> {
  private readonly input: Input<T>;
  /** Ordered: every slot in source order. Unordered: only the settled ones, in finishing order. */
  private readonly slots: Slot[] = [];
  private running = 0;
  private index = 0;
  private sourceDone = false;
  private sourceError: { readonly error: unknown } | undefined;
  /** A next() is waiting for a result. */
  private wanted = false;

  constructor(
    source: Source<T>,
    private readonly fn: (value: T, index: number) => U | PromiseLike<U>,
    private readonly concurrency: number,
    private readonly ordered: boolean,
    options: StageOptions | undefined,
  ) {
    const classified = classify('map', source);
    super('map', options);
    this.input = this.inputOf(classified, 0, this);
  }

  protected override pull(): void {
    this.wanted = true;
    this.answer();
    this.fill();
  }

  /** Read another item while fewer than `concurrency` are mapped or waiting. */
  private fill(): void {
    const held = this.ordered ? this.slots.length : this.slots.length + this.running;
    if (!this.isOpen || this.sourceDone || this.sourceError !== undefined || this.input.reading || held >= this.concurrency) return;
    this.input.read(this.sourceSignal);
  }

  /** Answer the waiting next() if the result it is owed is there. */
  private answer(): void {
    if (!this.wanted || !this.isOpen) return;
    const head = this.slots[0];
    if (head !== undefined && head.state !== RUNNING) {
      this.slots.shift();
      this.wanted = false;
      if (head.state === FAILED) this.callbackFailed(head.value); // C1: closes the source
      else this.emit(head.value as U);
      return;
    }
    if (this.slots.length > 0 || this.running > 0 || this.input.reading) return;
    // Everything read has been passed on: the source's end or failure comes last.
    const failed = this.sourceError;
    if (failed !== undefined) {
      this.wanted = false;
      this.sourceError = undefined; // delivered now: not reported again when closing
      this.sourceFailed(failed.error, this.input.iterator);
    } else if (this.sourceDone) {
      this.wanted = false;
      this.finish(false);
    }
  }

  inputResult(_input: Input<T>, result: IteratorResult<T>): void {
    if (!this.isOpen) return; // closed while the source was parked: drop the late item
    if (result.done === true) {
      this.sourceDone = true; // C1: the child marked itself finished
      this.answer();
      return;
    }
    this.start(result.value);
    this.fill();
    this.answer();
  }

  inputError(_input: Input<T>, error: unknown): void {
    if (!this.isOpen) {
      this.lateError(error); // C5: failed after the stage stopped: reported, not lost
      return;
    }
    this.sourceError = { error };
    this.keep(error); // C5: reported if the stream is abandoned before it is read
    this.answer();
  }

  private start(value: T): void {
    const slot: Slot = { state: RUNNING, value: undefined, queued: false };
    let out: U | PromiseLike<U>;
    try {
      out = this.fn(value, this.index++);
    } catch (error) {
      this.settle(slot, FAILED, error);
      return;
    }
    if (!isThenable(out)) {
      this.settle(slot, VALUE, out);
      return;
    }
    this.running++;
    if (this.ordered) {
      slot.queued = true;
      this.slots.push(slot);
    }
    out.then(
      (mapped) => {
        this.running--;
        if (this.isOpen) this.settle(slot, VALUE, mapped);
      },
      (error: unknown) => {
        this.running--;
        if (this.isOpen) this.settle(slot, FAILED, error);
        else this.lateError(error); // C5: failed after the stream stopped: reported
      },
    );
  }

  private settle(slot: Slot, state: typeof VALUE | typeof FAILED, value: unknown): void {
    slot.state = state;
    slot.value = value;
    if (state === FAILED) this.keep(value); // C5: reported if the stream is abandoned before it is read
    if (!slot.queued) {
      slot.queued = true; // unordered, or a sync result: queued now
      this.slots.push(slot);
    }
    this.answer();
    this.fill();
  }

  // C1/C4: the source is closed once, unless it finished; results not read are dropped.
  protected override closeChildren(exit: Exit, deadlineAt: number): ReturnType<typeof closeAll> {
    // C5: errors read ahead that nobody asked for are reported, not dropped with the results.
    for (const slot of this.slots.splice(0)) if (slot.state === FAILED) this.lateError(slot.value);
    if (this.sourceError !== undefined) this.lateError(this.sourceError.error);
    this.sourceError = undefined;
    return closeAll([this.input], exit, deadlineAt, this.stageName);
  }
}
