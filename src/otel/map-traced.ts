import { context as contextApi, type Attributes, type Context, type SpanKind, type Tracer } from '@opentelemetry/api';
import type { Exit, Operator, Source, StageOptions } from 'iterscope';
import { SKIP, StageBase, checkFunction, exitForSource, isThenable, NO_ERROR } from 'iterscope/internal';
import { checkCommonOptions, checkConcurrency } from './checks.js';
import { ConcurrentMapTracedStage } from './concurrent-map-traced.js';
import { defaultTracer } from './default-tracer.js';
import type { ItemScope } from './item-scope.js';
import { ItemSpans, type ItemSpanSettings } from './item-spans.js';
import { ContextParent, kTraceParent, upstreamParent, type TraceParent, type TraceParentHolder } from './trace-parent.js';

/**
 * Options of {@link mapTraced}.
 *
 * @example
 * ```ts
 * import { pipe } from 'iterscope';
 * import { mapTraced, type MapTracedOptions } from 'iterscope/otel';
 *
 * const options: MapTracedOptions = { name: 'embed', concurrency: 4, attributes: { model: 'small' } };
 * for await (const v of pipe([1, 2, 3], mapTraced(async (x: number) => x * 2, options))) console.log(v);
 * ```
 */
export interface MapTracedOptions extends StageOptions {
  /** The item spans' name. */
  readonly name: string;
  /** The tracer; default: the global tracer provider's `iterscope` tracer. */
  readonly tracer?: Tracer | undefined;
  /**
   * The item spans' parent when no traced stream is directly upstream. Default: the
   * context active when the operator is applied to its source.
   */
  readonly context?: Context | undefined;
  /** Attributes set on every item span when it starts. */
  readonly attributes?: Attributes | undefined;
  /** The item spans' kind; default `SpanKind.INTERNAL`. */
  readonly kind?: SpanKind | undefined;
  /**
   * How many `fn` calls may run at once (default 1). Results keep the source's order.
   * With more than one, the source is read ahead while the consumer waits, and closing
   * follows `flatMap`'s rules: items in flight are closed (their spans end, their signals
   * fire) before the source is closed (C4).
   */
  readonly concurrency?: number | undefined;
}

/**
 * The callback of {@link mapTraced}: gets the item and its {@link ItemScope}, runs with the
 * item's span active, may be async.
 *
 * @example
 * ```ts
 * import type { TracedItemFn } from 'iterscope/otel';
 * const parse: TracedItemFn<string, unknown> = (line, { span }) => {
 *   span.setAttribute('line.length', line.length);
 *   return JSON.parse(line);
 * };
 * console.log(typeof parse);
 * ```
 */
export type TracedItemFn<T, U> = (value: T, scope: ItemScope) => U | PromiseLike<U>;

class MapTracedStage<T, U> extends StageBase<U, T> implements TraceParentHolder {
  private readonly fn: TracedItemFn<T, U>;
  private readonly spans: ItemSpans;
  private index = 0;

  constructor(source: Source<T>, fn: TracedItemFn<T, U>, spans: ItemSpans, options: StageOptions) {
    super('mapTraced', source, options);
    this.fn = fn;
    this.spans = spans;
    this.record.finalizers = [spans.abandon];
  }

  get [kTraceParent](): TraceParent {
    return this.spans.parent;
  }

  protected override step(value: T): U | PromiseLike<U> {
    const item = this.spans.start(this.index++);
    let out: U | PromiseLike<U>;
    try {
      // C9: `fn` runs with its item span active; its arguments are passed through
      // `context.with`, so no closure is made per item.
      out = contextApi.with(item.context, this.fn, undefined, value, item);
    } catch (error) {
      item.fail(error);
      throw error;
    }
    if (!isThenable(out)) {
      item.succeed();
      return out;
    }
    // One item at a time: the stage's own bound handlers find it in `spans.current`.
    this.spans.current = item;
    return out.then(this.onSettled, this.onFailed) as PromiseLike<U>;
  }

  private readonly onSettled = (value: U): U => {
    const item = this.spans.current;
    this.spans.current = undefined;
    item?.succeed();
    return value;
  };

  private readonly onFailed = (error: unknown): typeof SKIP => {
    const item = this.spans.current;
    this.spans.current = undefined;
    if (item === undefined) throw error;
    // The stage closed while `fn` ran and `fn` gave up because its signal fired: expected,
    // and nobody is waiting for the result any more.
    if (item.ended && item.isCloseReason(error)) return SKIP;
    item.fail(error);
    throw error;
  };

  /** C4/C9: an item still running when the stage closes is closed before the source. */
  protected override closeChildren(exit: Exit): typeof NO_ERROR {
    this.spans.closeAll(exitForSource(exit));
    return NO_ERROR;
  }
}

/**
 * Transform each item inside a child span of its own (C9). `fn(value, { span, signal,
 * index, context })` runs with the item's span active; the span ends when `fn` settles
 * (status ERROR with the exception if it throws), or as `cancelled` / `aborted` when the
 * pipeline closes while `fn` is still running; `signal` fires then.
 *
 * The item spans' parent is the stream span of a `traced` stage directly upstream (or the
 * parent of a `mapTraced` directly upstream), else `options.context`, else the context
 * active when the operator is applied to its source.
 *
 * @param fn - `(value, scope) => result`, sync or async.
 * @param options - `name` (required), `tracer`, `context`, `attributes`, `kind`,
 *   `concurrency`, `signal`, `closeTimeout`.
 * @returns An operator for `pipe`.
 * @throws TypeError / RangeError at the call when `fn` or an option is invalid (C10).
 * @example
 * ```ts
 * import { trace } from '@opentelemetry/api';
 * import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
 * import { pipe } from 'iterscope';
 * import { traced, mapTraced } from 'iterscope/otel';
 *
 * const exporter = new InMemorySpanExporter();
 * trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }));
 *
 * const results = pipe(
 *   ['a.txt', 'b.txt'],
 *   traced({ name: 'files' }),
 *   mapTraced(async (file: string, { span }) => {
 *     span.setAttribute('file', file);
 *     return file.length;
 *   }, { name: 'read-file' }),
 * );
 * for await (const size of results) console.log(size); // 5, 5
 * console.log(exporter.getFinishedSpans().map((s) => s.name)); // ['read-file', 'read-file', 'files']
 * trace.disable();
 * ```
 */
export function mapTraced<T, U>(fn: TracedItemFn<T, U>, options: MapTracedOptions): Operator<T, Awaited<U>> {
  const where = 'mapTraced';
  checkFunction(where, 'fn', fn);
  checkCommonOptions(where, options);
  const concurrency = options.concurrency ?? 1;
  if (options.concurrency !== undefined) checkConcurrency(where, options.concurrency);
  const spanOptions: { attributes?: Attributes; kind?: SpanKind } = {};
  if (options.attributes !== undefined) spanOptions.attributes = options.attributes;
  if (options.kind !== undefined) spanOptions.kind = options.kind;
  const settings: ItemSpanSettings = { tracer: options.tracer ?? defaultTracer(), name: options.name, spanOptions };
  const explicit = options.context;
  return (source) => {
    // Captured synchronously when applied to the source.
    const parent = upstreamParent(source) ?? new ContextParent(explicit ?? contextApi.active());
    const spans = new ItemSpans(settings, parent);
    return concurrency === 1
      ? new MapTracedStage<T, Awaited<U>>(source, fn as TracedItemFn<T, Awaited<U>>, spans, options)
      : new ConcurrentMapTracedStage<T, Awaited<U>>(source, fn as TracedItemFn<T, Awaited<U>>, spans, concurrency, options);
  };
}
