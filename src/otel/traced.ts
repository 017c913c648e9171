import { context as contextApi, type Attributes, type Context, type SpanKind, type Tracer } from '@opentelemetry/api';
import type { Exit, Operator, Source, StageOptions } from 'iterscope';
import { NO_ERROR, StageBase, acceptsFusion, isThenable, kSourceScope, type DirectReader, type SourceScope } from 'iterscope/internal';
import { checkTracedOptions } from './checks.js';
import { defaultTracer } from './default-tracer.js';
import { ContextReads, readInContext } from './next-in-context.js';
import { StreamSpan } from './stream-span.js';
import { kTraceParent, type TraceParent, type TraceParentHolder } from './trace-parent.js';

/**
 * Options of {@link traced}.
 *
 * @example
 * ```ts
 * import { pipe } from 'iterscope';
 * import { traced, type TracedOptions } from 'iterscope/otel';
 *
 * const options: TracedOptions<string> = {
 *   name: 'llm.stream',
 *   attributes: { 'gen_ai.request.stream': true },
 *   itemEvent: (chunk) => ({ 'chunk.length': chunk.length }),
 *   maxItemEvents: 16,
 * };
 * for await (const chunk of pipe(['a', 'bc'], traced(options))) console.log(chunk);
 * ```
 */
export interface TracedOptions<T = unknown> extends StageOptions {
  /** The span's name. */
  readonly name: string;
  /** The tracer; default: the global tracer provider's `iterscope` tracer. */
  readonly tracer?: Tracer | undefined;
  /**
   * The parent context. Default: the context active when the operator is applied to its
   * source (captured then, synchronously, and never read again).
   */
  readonly context?: Context | undefined;
  /** Attributes set when the span starts. */
  readonly attributes?: Attributes | undefined;
  /** The span's kind; default `SpanKind.INTERNAL`. */
  readonly kind?: SpanKind | undefined;
  /**
   * Called for each item while the span records; the attributes it returns become an
   * `iterscope.item` event (with `iterscope.item.index`), `undefined` adds none. Bounded
   * by `maxItemEvents`.
   */
  readonly itemEvent?: ((value: T, index: number) => Attributes | undefined) | undefined;
  /**
   * At most this many `iterscope.item` events per stream (default 128). Once reached,
   * `itemEvent` is no longer called and `iterscope.item_events_dropped` counts the items
   * it was not offered.
   */
  readonly maxItemEvents?: number | undefined;
  /**
   * When the span ends. `'closed'` (default): once the source has finished closing, so the
   * close itself (a generator's `finally`, an HTTP request being aborted, a close error) is
   * inside the span and the spans it makes end before their parent. `'stopped'`: as soon as
   * the stream stops (the consumer's `return()`, an abort, the source's end or error), so
   * the span lasts exactly as long as the consumer was served; the close then runs after
   * the span ended and a close error is not recorded on it (it is still reported, C5).
   */
  readonly endWhen?: 'closed' | 'stopped' | undefined;
}

/** Settings shared by every stage one `traced(...)` call creates. */
interface TracedSettings<T> {
  readonly tracer: Tracer;
  readonly options: TracedOptions<T>;
  readonly spanOptions: { attributes?: Attributes; kind?: SpanKind };
  /**
   * `tracedStream`: the SDK stream's controller. Aborted when the stream stops for any
   * reason but its own end (C3), and its signal consulted for the outcome.
   */
  readonly controller: AbortController | undefined;
}

const DEFAULT_MAX_ITEM_EVENTS = 128;

/** @internal */
export class TracedStage<T> extends StageBase<T, T> implements TraceParentHolder {
  private readonly trace: StreamSpan<T>;
  /** C8: whether a read enters the stream span's context. */
  private readonly reads: ContextReads;
  private readonly controller: AbortController | undefined;
  private readonly endWhenStopped: boolean;
  /** No `itemEvent`: the stage's step calls nothing of the user's (see readSource). */
  private readonly quietStep: boolean;

  constructor(source: Source<T>, parent: Context, settings: TracedSettings<T>) {
    // The source is checked first (C10): a bad source must not leave a started span.
    super('traced', source, settings.options);
    const { options, tracer } = settings;
    const span = tracer.startSpan(options.name, settings.spanOptions, parent);
    this.trace = new StreamSpan<T>(span, parent, options.itemEvent, options.maxItemEvents ?? DEFAULT_MAX_ITEM_EVENTS);
    this.reads = new ContextReads(this.trace.context, this.trace.recording);
    this.controller = settings.controller;
    this.endWhenStopped = options.endWhen === 'stopped';
    this.quietStep = options.itemEvent === undefined;
    this.hasCleanup = true;
    // C7: an abandoned stream ends its span as `abandoned`. The finalizer is bound to the
    // span holder, never to this stage.
    this.record.finalizers = [this.trace.abandon];
  }

  get [kTraceParent](): TraceParent {
    return this.trace;
  }

  // C8: sources that a flatMap reading this stream opens run in the stream span's context.
  get [kSourceScope](): SourceScope {
    return this.trace;
  }

  protected override step(value: T): T {
    const trace = this.trace;
    if (trace.recording) trace.onItem(value);
    return value;
  }

  // C8/C9: the source's steps run with the stream span active (readInContext: no
  // allocation per item). The consumer's context is untouched: only the call into the
  // source is wrapped, and the answer comes back through the promise of `next()`, so it
  // reaches this stage (and the callbacks fused after it) in the consumer's context. An
  // iterscope source is read directly instead (no promise per item) when nothing of the
  // consumer's runs on the answer before a `next()` settles: no step fused after this one,
  // a `next()` waiting, and no `itemEvent` (a callback of the user's, which must not see
  // the span active).
  // With no context manager registered, or when the stream's context is the active one
  // already (no SDK and the pipeline read where it was built), there is nothing to switch
  // and no context for the answer to come back to: the source is read as any stage reads
  // it (directly, with no promise, when it is an iterscope stage).
  protected override readSource(source: AsyncIterator<T>, reader?: DirectReader): unknown {
    const reads = this.reads;
    const manager = reads.switching();
    if (manager === undefined) return super.readSource(source, reader);
    return readInContext(manager, reads.context, source, this.quietStep && this.answerReachesOnlyNext ? reader : undefined);
  }

  protected override inSourceContext<A, R>(fn: (arg: A) => R, arg: A): R {
    const result = contextApi.with(this.trace.context, fn, undefined, arg);
    // Opening happens while the stage is open, closing while it is not: a close resolves
    // to the source's close error, which goes on the span (C5) even when `for await`
    // drops it.
    if (!this.isOpen && isThenable(result)) void result.then(this.onSourceClosed);
    return result;
  }

  private readonly onSourceClosed = (error: unknown): void => {
    this.trace.closeError = error;
  };

  // The first step of every shutdown, before the source is closed: the moment the stream
  // stopped (`endWhen: 'stopped'`), and the moment to abort an SDK stream's request, so
  // that closing it does not wait for a response nobody reads (C3).
  protected override closeChildren(exit: Exit): typeof NO_ERROR {
    const final = this.outcomeOf(exit);
    const controller = this.controller;
    if (controller !== undefined && !controller.signal.aborted && exit.outcome !== 'completed') {
      controller.abort(final.outcome === 'aborted' ? final.reason : new DOMException(`iterscope: tracedStream stopped (${final.outcome})`, 'AbortError'));
    }
    if (this.endWhenStopped) this.trace.end(final);
    return NO_ERROR;
  }

  protected override cleanup(exit: Exit): undefined {
    this.trace.end(this.outcomeOf(exit));
    return undefined;
  }

  /** C3/C9: aborts stay aborts on the span, whatever shape the source gave them. */
  private outcomeOf(exit: Exit): Exit {
    if (exit.outcome === 'completed') {
      // Some SDKs turn an abort into a normal end of the stream: a `done` that comes after
      // the signal fired is an abort.
      const aborted = firstAborted(this.sourceSignal, this.controller?.signal);
      if (aborted !== undefined) return { outcome: 'aborted', reason: aborted.reason };
    }
    // A `throw()` into the stream with an `AbortError`, or with the reason of its signal
    // (from a listener that ran before the stream heard the abort), ended it by abort, not
    // by error; the thrower still gets the rejection. (A source that rejects so is already
    // an abort when it gets here.)
    if (exit.outcome === 'error' && endedByAbort(exit.error, this.sourceSignal)) {
      return { outcome: 'aborted', reason: exit.error };
    }
    return exit;
  }
}

function endedByAbort(error: unknown, signal: AbortSignal | undefined): boolean {
  if (signal?.aborted === true && error === signal.reason) return true;
  return error instanceof Error && error.name === 'AbortError';
}

function firstAborted(a: AbortSignal | undefined, b: AbortSignal | undefined): AbortSignal | undefined {
  if (a?.aborted === true) return a;
  if (b?.aborted === true) return b;
  return undefined;
}

/** @internal */
export function tracedOperator<T>(options: TracedOptions<T>, controller: AbortController | undefined): Operator<T, T> {
  checkTracedOptions('traced', options);
  const spanOptions: { attributes?: Attributes; kind?: SpanKind } = {};
  if (options.attributes !== undefined) spanOptions.attributes = options.attributes;
  if (options.kind !== undefined) spanOptions.kind = options.kind;
  const settings: TracedSettings<T> = {
    tracer: options.tracer ?? defaultTracer(),
    options,
    spanOptions,
    controller,
  };
  const explicit = options.context;
  // The parent is captured when the operator is applied to its source, synchronously.
  // A new stage per application: pipe may run the option-less map/filter after it inside it.
  return acceptsFusion((source: Source<T>) => new TracedStage<T>(source, explicit ?? contextApi.active(), settings));
}

/**
 * One span per stream (C9). The span starts when the operator is applied to its source,
 * so it covers the wait for the first item, and ends exactly once however the stream ends,
 * with `iterscope.outcome` = `completed` | `error` | `cancelled` | `aborted` |
 * `abandoned` (status ERROR, the exception and `error.type` only for `error`; a source
 * that rejects with an `AbortError` ended `aborted`). By default the span ends once the
 * source has finished closing (`endWhen`). It records
 * `iterscope.items`, `iterscope.time_to_first_item` (seconds) and an
 * `iterscope.first_item` event.
 *
 * The source's `next()`, `return()` and its opening run with the span active (C8), so
 * spans the source creates are children of the stream span after every resume; the
 * consumer's context never changes. A `mapTraced` placed right after uses the stream span
 * as its items' parent.
 *
 * A span that does not record (no SDK, sampled out) is checked once; nothing is done per
 * item then.
 *
 * @param options - `name` (required), `tracer`, `context` (the parent), `attributes`,
 *   `kind`, `itemEvent`, `maxItemEvents`, `endWhen`, `signal`, `closeTimeout`.
 * @returns An operator for `pipe`.
 * @throws TypeError / RangeError at the call when an option is invalid (C10).
 * @example
 * ```ts
 * import { trace } from '@opentelemetry/api';
 * import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
 * import { pipe, map } from 'iterscope';
 * import { traced } from 'iterscope/otel';
 *
 * const exporter = new InMemorySpanExporter();
 * const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
 * trace.setGlobalTracerProvider(provider);
 *
 * async function* tokens() { yield 'Hel'; yield 'lo'; }
 * for await (const t of pipe(tokens(), traced({ name: 'llm.stream' }), map((s: string) => s.toUpperCase()))) {
 *   console.log(t);
 *   break;
 * }
 * const [span] = exporter.getFinishedSpans();
 * console.log(span?.attributes['iterscope.outcome']); // 'cancelled'
 * trace.disable();
 * ```
 */
export function traced<T>(options: TracedOptions<T>): Operator<T, T> {
  return tracedOperator(options, undefined);
}
