/**
 * `mapTraced` with `concurrency` above 1: several `fn` calls in flight, results in source
 * order. Closing follows flatMap's rules: the items in flight are closed (spans ended,
 * signals fired) before the source is closed (C4), and the first failure closes the rest.
 */
import { context as contextApi } from '@opentelemetry/api';
import type { Exit, Source, StageOptions } from 'iterscope';
import { NO_ERROR, PassStage, StageBase, exitForSource, isThenable, report } from 'iterscope/internal';
import type { ItemSpan } from './item-scope.js';
import type { ItemSpans } from './item-spans.js';
import type { TracedItemFn } from './map-traced.js';
import { kTraceParent, type TraceParent, type TraceParentHolder } from './trace-parent.js';

/** @internal */
export class ConcurrentMapTracedStage<T, U> extends StageBase<U, T> implements TraceParentHolder {
  private readonly input: PassStage<T>;
  private readonly fn: TracedItemFn<T, U>;
  private readonly spans: ItemSpans;
  private readonly concurrency: number;
  private index = 0;
  /** A next() of the consumer waits for an item. */
  private demand = false;
  /** A next() on the input is pending. */
  private reading = false;
  private inputDone = false;
  /** The first failure not yet delivered, and whether it came from the source. */
  private failure: unknown = NO_ERROR;
  private failureFromSource = false;

  constructor(source: Source<T>, fn: TracedItemFn<T, U>, spans: ItemSpans, concurrency: number, options: StageOptions) {
    const input = new PassStage<T>('mapTraced', source, undefined);
    super('mapTraced', input, options);
    this.input = input;
    this.fn = fn;
    this.spans = spans;
    this.concurrency = concurrency;
    this.record.finalizers = [spans.abandon];
  }

  get [kTraceParent](): TraceParent {
    return this.spans.parent;
  }

  protected override pull(): void {
    this.demand = true;
    this.pump();
  }

  /** Answer the waiting next() if the head item is ready, else read more, up to the limit. */
  private pump(): void {
    if (!this.isOpen || !this.demand) return;
    const failure = this.failure;
    if (failure !== NO_ERROR) {
      this.failure = NO_ERROR;
      this.demand = false;
      if (this.failureFromSource) this.sourceFailed(failure);
      else this.callbackFailed(failure);
      return;
    }
    const queue = this.spans.queue;
    const head = queue[0];
    if (head?.settled === true) {
      queue.shift();
      this.demand = false;
      this.emit(head.result as U);
      return;
    }
    if (head === undefined && this.inputDone) {
      this.demand = false;
      this.finish(false);
      return;
    }
    if (!this.reading && !this.inputDone && queue.length < this.concurrency) {
      this.reading = true;
      void this.input.next().then(this.onInput, this.onInputError);
    }
  }

  private readonly onInput = (result: IteratorResult<T, undefined>): void => {
    this.reading = false;
    if (!this.isOpen) return;
    if (result.done === true) this.inputDone = true;
    else this.start(result.value);
    this.pump();
  };

  private readonly onInputError = (error: unknown): void => {
    this.reading = false;
    if (!this.isOpen) return;
    this.inputDone = true;
    this.fail(error, true);
    this.pump();
  };

  private start(value: T): void {
    const item = this.spans.start(this.index++);
    this.spans.queue.push(item);
    let out: U | PromiseLike<U>;
    try {
      out = contextApi.with(item.context, this.fn, undefined, value, item);
    } catch (error) {
      this.itemFailed(item, error);
      return;
    }
    if (!isThenable(out)) {
      this.itemSettled(item, out);
      return;
    }
    // A closure pair per item: several are in flight and each settlement must find its own.
    out.then(
      (result) => {
        this.itemSettled(item, result);
      },
      (error: unknown) => {
        this.itemFailed(item, error);
      },
    );
  }

  private itemSettled(item: ItemSpan, result: U): void {
    if (item.ended) return; // closed while running: nobody waits for it
    item.succeed();
    item.settled = true;
    item.result = result;
    this.pump();
  }

  private itemFailed(item: ItemSpan, error: unknown): void {
    if (item.ended) {
      // Closed while running. Giving up because the signal fired is expected; any other
      // error is reported, never lost (C5).
      if (!item.isCloseReason(error)) report({ type: 'late-error', stage: this.stageName, error });
      return;
    }
    item.fail(error);
    this.fail(error, false);
    this.pump();
  }

  private fail(error: unknown, fromSource: boolean): void {
    if (this.failure !== NO_ERROR) return; // the first failure is the one delivered; later ones are on their spans
    this.failure = error;
    this.failureFromSource = fromSource;
  }

  /** C4: items in flight are closed before the source (the base closes the input next). */
  protected override closeChildren(exit: Exit): typeof NO_ERROR {
    this.spans.closeAll(exitForSource(exit));
    const failure = this.failure;
    if (failure !== NO_ERROR) {
      // Failed while nobody was reading, then closed: not delivered, so reported (C5).
      this.failure = NO_ERROR;
      if (this.failureFromSource) report({ type: 'late-error', stage: this.stageName, error: failure });
    }
    return NO_ERROR;
  }
}
