import { describe } from 'iterscope';

/** The lazy form of `tracedStream`: opens the SDK stream with the signal that stops it. */
export type OpenStream<T> = (signal: AbortSignal) => AsyncIterable<T> | PromiseLike<AsyncIterable<T>>;

/**
 * The source of `tracedStream(open)`: calls `open(signal)` on the first `next()` (which the
 * traced stage makes inside the stream span's context, C8) and then reads what it returned.
 * The traced stage aborts `signal` before closing this source, so a request still being
 * opened settles at once.
 */
export class LazyStream<T> implements AsyncIterator<T>, AsyncIterable<T> {
  private iterator: AsyncIterator<T> | undefined;
  private opening: Promise<AsyncIterator<T>> | undefined;

  constructor(
    private readonly open: OpenStream<T>,
    private readonly signal: AbortSignal,
  ) {}

  [Symbol.asyncIterator](): this {
    return this;
  }

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
