/**
 * One `mapTraced` item: its span, its context, its abort signal. The object is what `fn`
 * receives as its second argument.
 */
import type { Context, Span } from '@opentelemetry/api';
import type { Exit } from 'iterscope';
import { COMPLETED } from 'iterscope/internal';
import { endSpan } from './end-span.js';
import type { TraceParent } from './trace-parent.js';

/**
 * What `mapTraced` hands to `fn` with each item.
 *
 * @example
 * ```ts
 * import { pipe } from 'iterscope';
 * import { mapTraced, type ItemScope } from 'iterscope/otel';
 *
 * async function handle(n: number, { span, signal, index }: ItemScope): Promise<number> {
 *   span.setAttribute('item.value', n);
 *   if (signal.aborted) return -1;
 *   return n * 10 + index;
 * }
 * for await (const x of pipe([1, 2], mapTraced(handle, { name: 'handle' }))) console.log(x);
 * ```
 */
export interface ItemScope {
  /** The item's span; active while `fn` runs. Ended by iterscope: do not end it. */
  readonly span: Span;
  /**
   * Fires when the pipeline closes while `fn` is still running (reason: the abort's reason,
   * or an `AbortError` when the consumer stopped reading).
   */
  readonly signal: AbortSignal;
  /** The item's index in the source, from 0. */
  readonly index: number;
  /** The item's context (the span set on its parent), for APIs that take a context. */
  readonly context: Context;
}

const NOT_CLOSED = Symbol('iterscope.notClosed');

/** @internal */
export class ItemSpan implements ItemScope {
  readonly span: Span;
  readonly index: number;
  readonly context: Context;
  /** True once the span ended: nothing ends it again (C9). */
  ended = false;
  /** Concurrent stages: `fn` returned, and its result waits for its turn. */
  settled = false;
  result: unknown;
  private readonly recording: boolean;
  // Made on first use: most `fn`s never look at their signal, and a controller per item
  // would cost more than the rest of the item's bookkeeping.
  private controller: AbortController | undefined;
  private closeReason: unknown = NOT_CLOSED;

  private readonly parent: TraceParent;

  constructor(span: Span, context: Context, index: number, recording: boolean, parent: TraceParent) {
    this.span = span;
    this.context = context;
    this.index = index;
    this.recording = recording;
    // C9: the parent's span waits for this one (children end before parents).
    this.parent = parent;
    parent.hold();
  }

  get signal(): AbortSignal {
    if (this.controller === undefined) {
      this.controller = new AbortController();
      if (this.closeReason !== NOT_CLOSED) this.controller.abort(this.closeReason);
    }
    return this.controller.signal;
  }

  /** `fn` settled (or returned) a value. */
  succeed(): void {
    if (this.ended) return;
    this.ended = true;
    endSpan(this.span, this.recording, COMPLETED);
    this.parent.release();
  }

  /** `fn` threw or rejected. */
  fail(error: unknown): void {
    if (this.ended) return;
    this.ended = true;
    endSpan(this.span, this.recording, { outcome: 'error', error });
    this.parent.release();
  }

  /**
   * C9: the pipeline closed while `fn` was running: end the span as `cancelled` or
   * `aborted` (or `abandoned`, from the safety net) and fire `fn`'s signal.
   */
  close(exit: Exit): void {
    if (this.ended) return;
    this.ended = true;
    this.closeReason =
      exit.outcome === 'aborted'
        ? exit.reason
        : new DOMException(`The stream was ${exit.outcome === 'abandoned' ? 'abandoned' : 'closed'} while this item was running.`, 'AbortError');
    endSpan(this.span, this.recording, exit);
    this.parent.release();
    this.controller?.abort(this.closeReason);
  }

  /** True when `error` is what `close()` aborted `fn` with: expected, not worth a report. */
  isCloseReason(error: unknown): boolean {
    return this.closeReason !== NOT_CLOSED && (error === this.closeReason || (error instanceof Error && error.name === 'AbortError'));
  }
}
