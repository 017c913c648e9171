import { kTraceParent } from './trace-parent.js';
import { tracedOperator, type TracedOptions } from './traced.js';
import { describe } from 'iterscope/internal';

/**
 * Trace an SDK stream object without replacing it: returns `stream` itself, with its
 * async iterator traced as by {@link traced}. Every other member (an OpenAI `Stream`'s
 * `controller`, `toReadableStream()`, a response object's headers...) is left as it is;
 * iteration through them that goes by `[Symbol.asyncIterator]()` is traced too.
 *
 * The span starts now. If `stream.controller` is an `AbortController`, its signal decides
 * the outcome without changing the SDK's behaviour: SDKs that end the stream normally when
 * it is aborted get `iterscope.outcome = aborted`, not `completed`.
 *
 * @param stream - An async iterable object (iterated once, as SDK streams are).
 * @param options - As for {@link traced}.
 * @returns `stream`, its `[Symbol.asyncIterator]` replaced by a traced one.
 * @throws TypeError at the call when `stream` is not an async iterable object or an option
 *   is invalid (C10).
 * @example
 * ```ts
 * import { tracedStream } from 'iterscope/otel';
 *
 * class ChunkStream {
 *   readonly controller = new AbortController();
 *   async *[Symbol.asyncIterator]() { yield 'a'; yield 'b'; }
 *   describe() { return 'two chunks'; }
 * }
 * const stream = tracedStream(new ChunkStream(), { name: 'chunks' });
 * console.log(stream.describe()); // 'two chunks': still the SDK's object
 * for await (const chunk of stream) console.log(chunk);
 * ```
 */
export function tracedStream<S extends AsyncIterable<unknown>>(
  stream: S,
  options: TracedOptions<S extends AsyncIterable<infer T> ? T : never>,
): S {
  const iterate = (stream as { [Symbol.asyncIterator]?: unknown } | null | undefined)?.[Symbol.asyncIterator];
  if (typeof stream !== 'object' || typeof iterate !== 'function') {
    throw new TypeError(`tracedStream: expected \`stream\` to be an async iterable object, got ${describe(stream)}.`);
  }
  const controller = (stream as { controller?: unknown }).controller;
  const outcomeSignal = controller instanceof AbortController ? controller.signal : undefined;
  const operator = tracedOperator(options, outcomeSignal);
  // The original iterator is opened on the first next(), inside the span's context (C8).
  const source: AsyncIterable<unknown> = {
    [Symbol.asyncIterator]: () => (iterate as () => AsyncIterator<unknown>).call(stream),
  };
  const stage = operator(source as never);
  Object.defineProperty(stream, Symbol.asyncIterator, {
    value: () => stage,
    configurable: true,
    writable: true,
    enumerable: false,
  });
  // A `mapTraced` reading this object hangs its item spans from the stream span, as it
  // does after `traced`.
  Object.defineProperty(stream, kTraceParent, {
    get: () => (stage as unknown as Record<typeof kTraceParent, unknown>)[kTraceParent],
    configurable: true,
    enumerable: false,
  });
  return stream;
}
