/**
 * The span of one traced stream, kept apart from the stage so that the safety net (C7) can
 * end it without holding the stage: the abandonment record keeps this object, never the
 * stage, and a reference from here back to the stage would keep the stage alive forever.
 */
import type { Attributes, Context, Span } from '@opentelemetry/api';
import { context as contextApi, trace } from '@opentelemetry/api';
import type { Exit } from 'iterscope';
import { NO_ERROR, type SourceScope } from 'iterscope/internal';
import { FIRST_ITEM_EVENT, ITEMS, ITEM_EVENT, ITEM_EVENTS_DROPPED, ITEM_INDEX, CLOSE_ERROR_EVENT, TIME_TO_FIRST_ITEM } from './attributes.js';
import { asException, endSpan } from './end-span.js';
import { contextWithSpan } from './span-context.js';
import type { TraceParent } from './trace-parent.js';

export type ItemEvent<T> = (value: T, index: number) => Attributes | undefined;

export class StreamSpan<T> implements TraceParent, SourceScope {
  readonly span: Span;
  /** The context the source's steps run in (C8): the parent with this span set. */
  readonly context: Context;
  /** Checked once: a non-recording span (no SDK, sampled out) skips all per-item work. */
  readonly recording: boolean;
  items = 0;
  /** An error from closing the source, recorded on the span when it ends (C5). */
  closeError: unknown = NO_ERROR;
  private ended = false;
  /** Item spans still running under this span, and the exit waiting for them. */
  private holds = 0;
  private pendingExit: Exit | undefined;
  private readonly startedAt: number;
  private readonly itemEvent: ItemEvent<T> | undefined;
  private eventsLeft: number;
  private eventsDropped = 0;

  constructor(span: Span, parent: Context, itemEvent: ItemEvent<T> | undefined, maxItemEvents: number) {
    this.span = span;
    this.recording = span.isRecording();
    this.startedAt = performance.now();
    this.context = contextWithSpan(parent, trace.getSpanContext(parent), span, this.recording);
    this.itemEvent = itemEvent;
    this.eventsLeft = maxItemEvents;
  }

  /**
   * C8: the scope a `flatMap` reading this stream opens, reads and closes its inner
   * sources in: the stream span's context, as for the traced source itself.
   */
  run<R>(fn: () => R): R {
    return contextApi.with(this.context, fn);
  }

  /** Called for each item while recording. */
  onItem(value: T): void {
    const index = this.items++;
    if (index === 0) {
      this.span.setAttribute(TIME_TO_FIRST_ITEM, (performance.now() - this.startedAt) / 1000);
      this.span.addEvent(FIRST_ITEM_EVENT);
    }
    const itemEvent = this.itemEvent;
    if (itemEvent === undefined) return;
    if (this.eventsLeft === 0) {
      this.eventsDropped++;
      return;
    }
    const attributes = itemEvent(value, index);
    if (attributes !== undefined) {
      this.eventsLeft--;
      this.span.addEvent(ITEM_EVENT, { ...attributes, [ITEM_INDEX]: index });
    }
  }

  hold(): void {
    this.holds++;
  }

  release(): void {
    if (--this.holds === 0 && this.pendingExit !== undefined) this.finish(this.pendingExit);
  }

  /**
   * C9: end the span exactly once, whichever path gets here first (the first exit wins);
   * after the item spans still running under it, so children end before their parent.
   */
  end(exit: Exit): void {
    if (this.ended || this.pendingExit !== undefined) return;
    if (this.holds > 0) {
      this.pendingExit = exit;
      return;
    }
    this.finish(exit);
  }

  private finish(exit: Exit): void {
    if (this.ended) return;
    this.ended = true;
    if (this.recording) {
      this.span.setAttribute(ITEMS, this.items);
      if (this.eventsDropped > 0) this.span.setAttribute(ITEM_EVENTS_DROPPED, this.eventsDropped);
      if (this.closeError !== NO_ERROR) {
        this.span.addEvent(CLOSE_ERROR_EVENT);
        this.span.recordException(asException(this.closeError));
      }
    }
    endSpan(this.span, this.recording, exit);
  }

  /** C7: the safety net's finalizer (a field, so it is bound to this object, not the stage). */
  readonly abandon = (exit: Exit): void => {
    this.end(exit);
  };
}
