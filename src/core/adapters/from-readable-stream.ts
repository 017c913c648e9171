import { PassStage, type Stage, type StageOptions } from '../stage.js';
import { describe } from '../validate.js';

type ReadResult<T> = { done: false; value: T } | { done: true; value?: undefined };

interface ReaderLike<T> {
  read(): Promise<ReadResult<T>>;
  cancel(reason?: unknown): Promise<void>;
  releaseLock(): void;
}

/**
 * The stream's reader as an iterator. Its return() cancels the stream directly through
 * the reader, which settles a pending read at once; the stream's own async iterator
 * would queue the cancel behind that read (C2).
 */
class ReaderIterator<T> implements AsyncIterator<T> {
  /** C3: the stage's close signal; the cancel passes on why the stage stopped. */
  signal: AbortSignal | undefined;

  constructor(private readonly reader: ReaderLike<T>) {}

  next(): Promise<IteratorResult<T>> {
    return this.reader.read().then(this.onRead, this.onFail) as Promise<IteratorResult<T>>;
  }

  private readonly onRead = (result: ReadResult<T>): ReadResult<T> => {
    if (result.done) this.release();
    return result;
  };

  private readonly onFail = (error: unknown): never => {
    this.release();
    throw error;
  };

  return(): Promise<IteratorResult<T>> {
    // The stage aborts its close signal before it closes its source: on an abort the
    // abort's own reason, else an AbortError naming the stage and the outcome.
    const signal = this.signal;
    return this.reader.cancel(signal?.aborted === true ? signal.reason : undefined).then(
      () => {
        this.release();
        return { done: true, value: undefined };
      },
      (error: unknown) => {
        this.release();
        throw error;
      },
    );
  }

  private release(): void {
    try {
      this.reader.releaseLock();
    } catch {
      // Already released; nothing holds the stream.
    }
  }
}

/**
 * Read a WHATWG `ReadableStream` as a stage. The stream is locked from this call on and
 * owned by the stage (C1): closing the stage (`break`, `return()`, abort, an error
 * downstream), even before the first read, cancels the stream and releases the lock. A
 * pending read is settled at once by the cancel (C2). The stream's `cancel(reason)` gets why
 * the stage stopped (C3): the abort's own reason on an abort, else an `AbortError` naming
 * the stage and the outcome. When the stream ends or errors, the lock is released.
 *
 * @param stream - An unlocked `ReadableStream`.
 * @param options - `signal` to abort, `closeTimeout` for the close deadline in ms.
 * @returns A stage of the stream's chunks.
 * @throws TypeError at the call when `stream` is not a ReadableStream or is locked.
 * @example
 * ```ts
 * import { fromReadableStream } from 'iterscope';
 *
 * const stream = new ReadableStream<string>({
 *   start(controller) { controller.enqueue('a'); controller.enqueue('b'); controller.close(); },
 * });
 * for await (const chunk of fromReadableStream(stream)) console.log(chunk); // 'a', 'b'
 * ```
 */
export function fromReadableStream<T>(stream: ReadableStream<T>, options?: StageOptions): Stage<T> {
  const candidate = stream as { getReader?: unknown; locked?: unknown } | null | undefined;
  if (typeof candidate !== 'object' || candidate === null || typeof candidate.getReader !== 'function') {
    throw new TypeError(`fromReadableStream: expected \`stream\` to be a ReadableStream, got ${describe(stream)}.`);
  }
  if (candidate.locked === true) {
    throw new TypeError('fromReadableStream: expected `stream` to be unlocked, but another reader holds its lock.');
  }
  const reader = new ReaderIterator<T>(stream.getReader() as unknown as ReaderLike<T>);
  const stage = new PassStage<T>('fromReadableStream', reader, options);
  reader.signal = stage.closeSignal();
  return stage;
}
