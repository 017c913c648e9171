/**
 * Starts the item spans of one `mapTraced` stage and keeps the ones in flight where the
 * safety net (C7) can reach them without holding the stage.
 */
import { trace, type Attributes, type Context, type SpanContext, type SpanKind, type Tracer } from '@opentelemetry/api';
import type { Exit } from 'iterscope';
import { ITEM_INDEX } from './attributes.js';
import { ItemSpan } from './item-scope.js';
import { contextWithSpan } from './span-context.js';
import type { TraceParent } from './trace-parent.js';

export interface ItemSpanSettings {
  readonly tracer: Tracer;
  readonly name: string;
  readonly spanOptions: { attributes?: Attributes; kind?: SpanKind };
}

export class ItemSpans {
  private readonly settings: ItemSpanSettings;
  readonly parent: TraceParent;
  private readonly parentContext: Context;
  private readonly parentSpanContext: SpanContext | undefined;
  /** The item in flight in a serial stage. */
  current: ItemSpan | undefined;
  /** A concurrent stage's items in source order: running, or finished and not yet delivered. */
  readonly queue: ItemSpan[] = [];

  constructor(settings: ItemSpanSettings, parent: TraceParent) {
    this.settings = settings;
    this.parent = parent;
    this.parentContext = parent.context;
    this.parentSpanContext = trace.getSpanContext(parent.context);
  }

  start(index: number): ItemSpan {
    const { tracer, name, spanOptions } = this.settings;
    const parent = this.parentContext;
    const span = tracer.startSpan(name, spanOptions, parent);
    const recording = span.isRecording();
    if (recording) span.setAttribute(ITEM_INDEX, index);
    return new ItemSpan(span, contextWithSpan(parent, this.parentSpanContext, span, recording), index, recording, this.parent);
  }

  /** C9: the pipeline closed (or, C7, was collected) with items in flight. */
  closeAll(exit: Exit): void {
    this.current?.close(exit);
    for (const item of this.queue) item.close(exit);
    this.queue.length = 0;
  }

  /** C7: the safety net's finalizer, bound to this object, never to the stage. */
  readonly abandon = (exit: Exit): void => {
    this.closeAll(exit);
  };
}
