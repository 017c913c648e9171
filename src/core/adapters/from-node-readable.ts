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
  private ended = false;
  private detached = false;

  constructor(private readonly stream: NodeReadableLike) {
    stream.on('readable', this.wake);
    stream.on('end', this.onEnd);
    stream.on('error', this.onError);
    stream.on('close', this.wake);
  }

  next(): Promise<IteratorResult<T>> {
    if (this.detached) return Promise.resolve({ done: true, value: undefined });
    return new Promise<IteratorResult<T>>((resolve, reject) => {
      this.waiter = { resolve, reject };
      this.wake();
    });
  }

  private readonly wake = (): void => {
    const waiter = this.waiter;
    if (waiter === undefined) return;
    const stream = this.stream;
    if (this.error !== NO_ERROR) {
      this.waiter = undefined;
      this.detach();
      waiter.reject(this.error);
      return;
    }
    const chunk: unknown = stream.read();
    if (chunk !== null) {
      this.waiter = undefined;
      waiter.resolve({ done: false, value: chunk as T });
      return;
    }
    if (this.ended || stream.readableEnded) {
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

  private readonly onEnd = (): void => {
    this.ended = true;
    this.wake();
  };

  private readonly onError = (error: unknown): void => {
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
    // C1: closing destroys the stream; a read still waiting ends at once (C2).
    this.stream.destroy();
    waiter?.resolve({ done: true, value: undefined });
    return Promise.resolve({ done: true, value: undefined });
  }

  private detach(): void {
    if (this.detached) return;
    this.detached = true;
    const stream = this.stream;
    stream.off('readable', this.wake);
    stream.off('end', this.onEnd);
    stream.off('close', this.wake);
    // The 'error' listener stays: an error after this point is reported, never thrown
    // as an uncaught 'error' event.
  }
}

class NodeReadableStage<T> extends StageBase<T, T> {
}

/**
 * Read a Node `Readable` (a file, a socket, an HTTP body, an object-mode stream) as a
 * stage. The stream is owned from this call (C1): closing the stage (`break`,
 * `return()`, abort, an error downstream), even before the first read, destroys it, and a
 * pending read settles at once (C2). A stream error rejects the pending read; a stream
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
