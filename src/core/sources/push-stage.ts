/**
 * The stage behind `channel()` and `fromEvent()`: items pushed from outside wait in a
 * queue until the consumer reads them. Pushing has backpressure (the promise `push`
 * returns resolves once the item is taken, or fits within `capacity`), and the producer
 * sees the stream stop through a signal (C3).
 */
import type { Exit } from '../exit.js';
import { report } from '../report.js';
import { StageBase, type StageOptions } from '../stage.js';
import { stopReason } from './stop-reason.js';

interface Pushed<T> {
  readonly value: T;
  /** Resolves the producer's `push` promise; undefined once resolved. */
  accepted: ((taken: boolean) => void) | undefined;
}

const NOTHING: readonly never[] = Object.freeze([]);
const NO_ERROR = Symbol('iterscope.push.no-error');

/** @internal */
export class PushStage<T> extends StageBase<T, never> {
  private readonly waiting: Pushed<T>[] = [];
  /** A next() waits for the next push. */
  private wanted = false;
  private ended = false;
  private failure: unknown = NO_ERROR;
  /** The failure reached a read: nothing left to report when the stream stops. */
  private failureDelivered = false;
  private stopped = false;
  private readonly controller = new AbortController();
  private release: (() => void) | undefined;

  constructor(
    name: string,
    private readonly capacity: number,
    options: StageOptions | undefined,
    /** Called at the first read: starts the producer (fromEvent's listener); returns its stop. */
    private readonly start?: (stage: PushStage<T>) => () => void,
  ) {
    super(name, NOTHING, options);
  }

  protected override hasCleanup = true;

  /** Aborts when the stream stops, for any reason (C3). */
  get stopSignal(): AbortSignal {
    return this.controller.signal;
  }


  push(value: T): Promise<boolean> {
    if (this.stopped || this.ended || this.failure !== NO_ERROR) return Promise.resolve(false);
    if (this.wanted && this.isOpen) {
      this.wanted = false;
      this.emit(value);
      return Promise.resolve(true);
    }
    return new Promise<boolean>((resolve) => {
      const pushed: Pushed<T> = { value, accepted: resolve };
      this.waiting.push(pushed);
      // Backpressure: the promise stays pending while the queue is over capacity.
      if (this.waiting.length <= this.capacity) this.accept(pushed);
    });
  }

  close(): void {
    if (this.ended || this.failure !== NO_ERROR) return;
    this.ended = true;
    this.answerWaiting();
  }

  error(error: unknown): void {
    if (this.ended || this.failure !== NO_ERROR) return;
    this.failure = error;
    this.answerWaiting();
  }

  private answerWaiting(): void {
    if (!this.wanted || !this.isOpen) return;
    this.wanted = false;
    this.pull();
  }

  private accept(pushed: Pushed<T>): void {
    const accepted = pushed.accepted;
    pushed.accepted = undefined;
    accepted?.(true);
  }

  protected override pull(): void {
    if (this.start !== undefined && this.release === undefined && !this.stopped) {
      const start = this.start;
      try {
        this.release = start(this);
      } catch (error) {
        this.sourceFailed(error);
        return;
      }
    }
    const pushed = this.waiting.shift();
    if (pushed !== undefined) {
      this.accept(pushed);
      // The item that now fits within capacity is accepted too.
      const fits = this.waiting[this.capacity - 1];
      if (fits !== undefined) this.accept(fits);
      this.emit(pushed.value);
      return;
    }
    if (this.failure !== NO_ERROR) {
      this.failureDelivered = true;
      this.sourceFailed(this.failure);
    } else if (this.ended) this.finish(false);
    else this.wanted = true;
  }

  protected override cleanup(exit: Exit): void {
    this.stopped = true;
    this.wanted = false;
    // C5: the producer failed while nobody was reading, and now nobody will: reported, not lost.
    if (this.failure !== NO_ERROR && !this.failureDelivered) report({ type: 'late-error', stage: this.stageName, error: this.failure });
    // Items nobody will read: their producers learn they were not taken.
    for (const pushed of this.waiting.splice(0)) {
      const accepted = pushed.accepted;
      pushed.accepted = undefined;
      accepted?.(false);
    }
    const release = this.release;
    this.release = undefined;
    release?.();
    // C3: the producer sees the stop; on an abort, with the abort's own reason.
    this.controller.abort(stopReason(this.stageName, exit));
  }
}
