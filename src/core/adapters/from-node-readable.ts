import { NO_ERROR } from '../errors.js';
import { report } from '../report.js';
import { StageBase, type Stage, type StageOptions } from '../stage.js';
import { describe } from '../validate.js';
import type { NodeReadableLike } from './node-readable.js';

interface Waiter<T> {
  resolve: (r: IteratorResult<T>) => void;
  reject: (e: unknown) => void;
}

/**
 * A Node `Readable` read through its `'readable'` events. Node's own async iterator is an
 * async generator, so its `return()` would queue behind a pending read; this one destroys
 * the stream at once and settles the pending read (C2).
 */
class NodeReadableIterator<T> implements AsyncIterator<T> {
  private waiter: Waiter<T> | undefined;
  private error: unknown = NO_ERROR;
  private detached = false;
  /** Set by return(): the stream's close is under way; an error now is the close's (C5). */
  private closing: { error: unknown } | undefined;
  private reading = false;

  constructor(private readonly stream: NodeReadableLike) {
    // 'error' from the start, so a stream failing before the first read is not an uncaught
    // 'error' event. 'readable' only at the first read: listening to it starts the stream
    // reading, and nothing is read before the consumer asks (a toNodeReadable below would
    // open its source).
    // 'end' wakes a read once the stream has ended (readableEnded is true by then); a
    // stream that does not close after its end (autoDestroy: false) emits nothing else.
    stream.on('end', this.wake);
    stream.on('error', this.onError);
    stream.on('close', this.wake);
  }

  // The stage calls next() only while the stream is live: never after an end, an error or
  // return() detached it.
  next(): Promise<IteratorResult<T>> {
    if (!this.reading) {
      this.reading = true;
      this.stream.on('readable', this.wake);
    }
    return new Promise<IteratorResult<T>>((resolve, reject) => {
      this.waiter = { resolve, reject };
      this.wake();
    });
  }

  private readonly wake = (): void => {
    const waiter = this.waiter;
    if (waiter === undefined) return;
    const stream = this.stream;
    const error = this.error;
    if (error !== NO_ERROR) {
      this.waiter = undefined;
      this.error = NO_ERROR; // delivered
      this.detach();
      waiter.reject(error);
      return;
    }
    const chunk: unknown = stream.read();
    if (chunk !== null) {
      this.waiter = undefined;
      waiter.resolve({ done: false, value: chunk as T });
      return;
    }
    if (stream.readableEnded) {
      this.waiter = undefined;
      this.detach();
      waiter.resolve({ done: true, value: undefined });
      return;
    }
    if (stream.destroyed) {
      // Destroyed by someone else before it ended: the data is cut short, say so.
      this.waiter = undefined;
      this.detach();
      waiter.reject(Object.assign(new Error('The stream was destroyed before it ended.'), { code: 'ERR_STREAM_PREMATURE_CLOSE' }));
    }
  };

  private readonly onError = (error: unknown): void => {
    if (this.closing !== undefined) {
      // C5: the stream failed to close (its _destroy called back with an error, as a
      // toNodeReadable does when its source's close fails): return() rejects with it.
      this.closing.error = error;
      return;
    }
    if (this.detached) {
      // The stream failed after the stage let go of it (while being destroyed): C5.
      report({ type: 'late-error', stage: 'fromNodeReadable', error });
      return;
    }
    this.error = error;
    this.wake();
  };

  return(): Promise<IteratorResult<T>> {
    const waiter = this.waiter;
    this.waiter = undefined;
    this.detach();
    const stream = this.stream;
    // C2: a read still waiting ends at once.
    waiter?.resolve({ done: true, value: undefined });
    if (this.error !== NO_ERROR) {
      // C5: the stream failed while nobody was reading, and now nobody will: reported.
      report({ type: 'late-error', stage: 'fromNodeReadable', error: this.error });
      this.error = NO_ERROR;
    }
    if ((stream.destroyed && stream.closed !== false) || !emitsClose(stream)) {
      // Destroyed by someone else and closed already, or made with `emitClose: false`:
      // no 'close' is coming to wait for.
      stream.destroy();
      return Promise.resolve({ done: true, value: undefined });
    }
    // C1: closing destroys the stream. C4: return() resolves when the stream has closed
    // (its _destroy has finished: a toNodeReadable's source has closed), not when destroy()
    // was called; the stage's close deadline bounds the wait (C2), so a stream that never
    // emits 'close' is reported as a straggler, not waited on forever.
    const closing = { error: NO_ERROR as unknown };
    this.closing = closing;
    return new Promise<IteratorResult<T>>((resolve, reject) => {
      const onClose = (): void => {
        stream.off('close', onClose);
        this.closing = undefined;
        if (closing.error === NO_ERROR) resolve({ done: true, value: undefined });
        else reject(closing.error);
      };
      stream.on('close', onClose);
      stream.destroy();
    });
  }

  private detach(): void {
    if (this.detached) return;
    this.detached = true;
    const stream = this.stream;
    stream.off('readable', this.wake);
    stream.off('end', this.wake);
    stream.off('close', this.wake);
    // The 'error' listener stays: an error after this point is reported, never thrown
    // as an uncaught 'error' event.
  }
}

/** False for a stream made with `emitClose: false` (Node keeps the flag in its state). */
function emitsClose(stream: NodeReadableLike): boolean {
  return (stream as { _readableState?: { emitClose?: unknown } })._readableState?.emitClose !== false;
}

class NodeReadableStage<T> extends StageBase<T, T> {
}

/**
 * Read a Node `Readable` (a file, a socket, an HTTP body, an object-mode stream) as a
 * stage. The stream is owned from this call (C1): closing the stage (`break`,
 * `return()`, abort, an error downstream), even before the first read, destroys it, and a
 * pending read settles at once (C2). The close is over when the stream emits `'close'`
 * (its `_destroy` has finished; for a `toNodeReadable`, its source has closed), up to the
 * close deadline, and an error the stream emits while closing is the close's error (C4,
 * C5). Nothing is read from the stream before the first `next()`. A stream error rejects
 * the pending read (one nobody read is reported when the stage closes); a stream
 * destroyed by someone else before it ended rejects with `ERR_STREAM_PREMATURE_CLOSE`.
 *
 * @param readable - A Node `Readable` stream (typed structurally, see {@link NodeReadableLike}).
 * @param options - `signal` to abort, `closeTimeout` for the close deadline in ms.
 * @returns A stage of the stream's chunks (objects in object mode, Buffers or strings
 * otherwise).
 * @throws TypeError at the call when `readable` is not a Node Readable.
 * @example
 * ```ts
 * import { Readable } from 'node:stream';
 * import { fromNodeReadable } from 'iterscope';
 *
 * const readable = Readable.from(['a', 'b', 'c']);
 * for await (const chunk of fromNodeReadable<string>(readable)) {
 *   console.log(chunk); // 'a'
 *   break; // readable is destroyed
 * }
 * console.log(readable.destroyed); // true
 * ```
 */
export function fromNodeReadable<T = unknown>(readable: NodeReadableLike, options?: StageOptions): Stage<T> {
  const candidate = readable as { read?: unknown; on?: unknown; destroy?: unknown } | null | undefined;
  if (
    typeof candidate !== 'object' ||
    candidate === null ||
    typeof candidate.read !== 'function' ||
    typeof candidate.on !== 'function' ||
    typeof candidate.destroy !== 'function'
  ) {
    throw new TypeError(`fromNodeReadable: expected \`readable\` to be a Node Readable stream, got ${describe(readable)}.`);
  }
  return new NodeReadableStage<T>('fromNodeReadable', new NodeReadableIterator<T>(readable), options);
}
