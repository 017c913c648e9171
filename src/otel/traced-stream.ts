import { kTraceParent } from './trace-parent.js';
import { tracedOperator, type TracedOptions } from './traced.js';
import type { Stage } from 'iterscope';
import { describe, kSourceScope } from 'iterscope/internal';
import { LazyStream, type OpenStream } from './lazy-stream.js';

/**
 * Trace an SDK stream object without replacing it: returns `stream` itself, with its
 * async iterator traced as by {@link traced}. Every other member (an OpenAI `Stream`'s
 * `controller`, `toReadableStream()`, a response object's headers...) is left as it is;
 * iteration through them that goes by `[Symbol.asyncIterator]()` is traced too.
 *
 * The span starts now. If `stream.controller` is an `AbortController`, it is aborted when
 * the traced stream stops for any reason but its own end (the consumer's `break`, an
 * abort, an error), even if the SDK's iterator was never opened, so the request does not
 * run on unread; and its signal decides the outcome: SDKs that end the stream normally
 * when it is aborted get `iterscope.outcome = aborted`, not `completed`.
 *
 * Given a function instead, `tracedStream(open, options)` is the lazy form: `open(signal)`
 * is called on the first read, inside the stream span's context, so the request it makes
 * (the HTTP client span) is a child of the stream span; `signal` aborts when the traced
 * stream stops for any reason but its own end (with the abort's own reason on an abort).
 * Returns the traced stream.
 *
 * @param stream - An async iterable object (iterated once, as SDK streams are), or
 *   `(signal) => stream | Promise<stream>`.
 * @param options - As for {@link traced}.
 * @returns `stream`, its `[Symbol.asyncIterator]` replaced by a traced one; for the lazy
 *   form, the traced stream.
 * @throws TypeError at the call when `stream` is neither an async iterable object nor a
 *   function, or an option is invalid (C10).
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
 *
 * // Lazy: the request starts inside the span, and stops when the stream does.
 * const lazy = tracedStream(async (signal: AbortSignal) => {
 *   const sdkStream = new ChunkStream();
 *   signal.addEventListener('abort', () => sdkStream.controller.abort(signal.reason));
 *   return sdkStream;
 * }, { name: 'chunks' });
 * for await (const chunk of lazy) {
 *   console.log(chunk); // 'a'
 *   break; // aborts the signal
 * }
 * ```
 */
export function tracedStream<S extends AsyncIterable<unknown>>(
  stream: S,
  options: TracedOptions<S extends AsyncIterable<infer T> ? T : never>,
): S;
export function tracedStream<T>(open: OpenStream<T>, options: TracedOptions<T>): Stage<T>;
export function tracedStream(stream: unknown, options: TracedOptions): unknown {
  if (typeof stream === 'function') return tracedLazy(stream as OpenStream<unknown>, options);
  const iterate = (stream as { [Symbol.asyncIterator]?: unknown } | null | undefined)?.[Symbol.asyncIterator];
  // `null`, `undefined` and primitives have no async iterator either.
  if (typeof iterate !== 'function') {
    throw new TypeError(
      `tracedStream: expected \`stream\` to be an async iterable object or a function (signal) => stream, got ${describe(stream)}.`,
    );
  }
  const controller = (stream as { controller?: unknown }).controller;
  const operator = tracedOperator(options, controller instanceof AbortController ? controller : undefined);
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
  // does after `traced`; a `flatMap` opens its inner sources in the stream span's context.
  for (const key of [kTraceParent, kSourceScope]) {
    Object.defineProperty(stream, key, {
      get: () => (stage as unknown as Record<symbol, unknown>)[key],
      configurable: true,
      enumerable: false,
    });
  }
  return stream;
}

function tracedLazy<T>(open: OpenStream<T>, options: TracedOptions<T>): Stage<T> {
  const controller = new AbortController();
  const operator = tracedOperator(options, controller);
  return operator(new LazyStream<T>(open, controller.signal) as never);
}
