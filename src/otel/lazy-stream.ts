import { describe } from 'iterscope/internal';

/**
 * What the lazy form of `tracedStream` takes: opens the SDK stream with the signal that
 * stops it (called on the first read, inside the stream span's context).
 *
 * @example
 * ```ts
 * import { tracedStream, type OpenStream } from 'iterscope/otel';
 *
 * async function* chunks() { yield 'a'; yield 'b'; }
 * const open: OpenStream<string> = async (signal) => {
 *   signal.addEventListener('abort', () => console.log('request stopped'));
 *   return chunks();
 * };
 * for await (const chunk of tracedStream(open, { name: 'chunks' })) console.log(chunk);
 * ```
 */
export type OpenStream<T> = (signal: AbortSignal) => AsyncIterable<T> | PromiseLike<AsyncIterable<T>>;

/**
 * The source of `tracedStream(open)`, an iterator the stage reads as it is: calls
 * `open(signal)` on the first `next()` (which the traced stage makes inside the stream
 * span's context, C8) and then reads what it returned.
 * The traced stage aborts `signal` before closing this source, so a request still being
 * opened settles at once.
 */
export class LazyStream<T> implements AsyncIterator<T> {
  private iterator: AsyncIterator<T> | undefined;
  private opening: Promise<AsyncIterator<T>> | undefined;

  constructor(
    private readonly open: OpenStream<T>,
    private readonly signal: AbortSignal,
  ) {}

  next(): Promise<IteratorResult<T>> {
    const iterator = this.iterator;
    if (iterator !== undefined) return iterator.next();
    this.opening ??= this.start();
    return this.opening.then((it) => it.next());
  }

  async return(): Promise<IteratorResult<T>> {
    const opening = this.opening;
    if (opening !== undefined) {
      // Opening failed (it was aborted, most likely): there is nothing to close.
      const iterator = await opening.catch(() => undefined);
      if (iterator?.return !== undefined) await iterator.return();
    }
    return { done: true, value: undefined };
  }

  private async start(): Promise<AsyncIterator<T>> {
    const stream = await this.open(this.signal);
    const iterate = (stream as { [Symbol.asyncIterator]?: unknown } | null | undefined)?.[Symbol.asyncIterator];
    if (typeof iterate !== 'function') {
      throw new TypeError(`tracedStream: \`open(signal)\` must return an async iterable, got ${describe(stream)}.`);
    }
    const iterator = (iterate as () => AsyncIterator<T>).call(stream);
    this.iterator = iterator;
    return iterator;
  }
}
