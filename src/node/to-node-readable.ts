import { Readable } from 'node:stream';
import type { Source, StageOptions } from 'iterscope';
import { checkKnownKeys, checkRange, checkStageOptions, describe, listenForAbort, PassStage, report, suppress, NO_ERROR } from 'iterscope/internal';

const WHERE = 'toNodeReadable';

/**
 * Options of {@link toNodeReadable}: the stage options (`signal`, `closeTimeout`) and the
 * two Readable options that change what the stream is.
 *
 * @example
 * ```ts
 * import { toNodeReadable, type ToNodeReadableOptions } from 'iterscope/node';
 *
 * const options: ToNodeReadableOptions = { objectMode: false, highWaterMark: 0, closeTimeout: 1_000 };
 * const readable = toNodeReadable(['a', 'b'], options);
 * readable.setEncoding('utf8');
 * for await (const text of readable) console.log(text); // 'a', 'b'
 * ```
 */
export interface ToNodeReadableOptions extends StageOptions {
  /**
   * `true` (the default): any value but `null` is one chunk, as with `Readable.from`.
   * `false`: a byte stream; the source must yield strings, Buffers or Uint8Arrays.
   */
  readonly objectMode?: boolean;
  /**
   * How many items (object mode) or bytes the Readable keeps read ahead of its consumer.
   * Default 1, as `Readable.from`: one item at most is waiting in the stream's buffer.
   * 0 reads only when the consumer asks.
   */
  readonly highWaterMark?: number;
}

const KNOWN = ['signal', 'closeTimeout', 'objectMode', 'highWaterMark'];

/**
 * Expose a source as a Node `Readable`, for `stream.pipeline`, `res.pipe`, or any API
 * that takes one. The source is read through an iterscope stage, so the stream inherits
 * the closing contract:
 *
 * - Reads are pulled: each `_read` asks the source for one item, and the stream asks only
 *   while its buffer is below `highWaterMark` (default 1): no read-ahead of its own.
 * - `destroy()` (by you, by `stream.pipeline` when a later stream fails, or by an error)
 *   closes the source exactly once (C1), at once even when a read is parked on it (C2):
 *   the stream emits `'close'` when the source has finished closing, or at the close
 *   deadline. `Readable.from` instead waits behind the parked read (an async generator
 *   queues its `return()`), so its `'close'` never comes while the source is stalled.
 * - A source that takes a signal (`[Symbol.asyncIterator](signal)`, `defer`) is handed one
 *   that aborts when the stream is destroyed (C3), so closing cancels its I/O.
 * - A source error destroys the stream with that error. `options.signal` destroys it with
 *   `signal.reason`, that exact object (Node's own `signal` option wraps it in an
 *   `AbortError`), and closes the source.
 * - An error closing the source becomes the destroy error (attached to the one the stream
 *   was destroyed with as a `SuppressedError`, C5) and is also reported through
 *   `onReport`, since `stream.pipeline` keeps only the first error of a pipeline. (It also
 *   settles as soon as a stream fails, without waiting for the others to close: wait for
 *   this stream's `'close'` when the source must have finished closing.)
 *
 * The source is closed as a `for await` loop closes it: with `return()`, also when the
 * stream was destroyed with an error (`Readable.from` throws that error into it). So an
 * abort's reason reaches the source only through `options.signal`: when a pipeline crosses
 * a Node stream (`fromNodeReadable(toNodeReadable(...))`), give the signal to both sides.
 *
 * It lives in `iterscope/node` rather than the root because it must construct a real
 * `Readable`: importing `node:stream` from the root would break the root in browsers,
 * while taking the `Readable` class as an argument would burden every call. Bun and Deno
 * provide `node:stream`, so this entry works there too.
 *
 * @param source - Any source: an async iterable or iterator, an iterscope stage, or a sync
 * iterable.
 * @param options - `signal`, `closeTimeout`, `objectMode`, `highWaterMark`.
 * @returns A `Readable` of the source's items.
 * @throws TypeError at the call when `source` is not iterable or an option has the wrong
 * type; RangeError when `highWaterMark` or `closeTimeout` is out of range.
 * @example
 * ```ts
 * import { Writable } from 'node:stream';
 * import { pipeline } from 'node:stream/promises';
 * import { toNodeReadable } from 'iterscope/node';
 *
 * async function* rows() {
 *   try {
 *     for (let i = 0; ; i++) yield { id: i };
 *   } finally {
 *     console.log('rows closed');
 *   }
 * }
 * const sink = new Writable({
 *   objectMode: true,
 *   write(row: { id: number }, _encoding, callback) {
 *     callback(row.id === 2 ? new Error('disk full') : null);
 *   },
 * });
 * await pipeline(toNodeReadable(rows()), sink).catch((error: unknown) => {
 *   console.log(String(error)); // 'Error: disk full'
 * });
 * // rows() is closed too ('rows closed'): the pipeline destroyed the Readable.
 * ```
 */
export function toNodeReadable<T>(source: Source<T>, options?: ToNodeReadableOptions): Readable {
  // C10: every argument is checked here, before anything is opened.
  checkStageOptions(WHERE, options);
  if (options !== undefined) checkKnownKeys(WHERE, options, KNOWN);
  const objectMode = options?.objectMode ?? true;
  if (typeof objectMode !== 'boolean') {
    throw new TypeError(`${WHERE}: expected \`options.objectMode\` to be a boolean, got ${describe(objectMode)}.`);
  }
  const highWaterMark = options?.highWaterMark ?? 1;
  checkRange(WHERE, 'options.highWaterMark', highWaterMark, 'watermark');
  const signal = options?.signal;
  // One mechanism: the stage gives ownership (C1), prompt settlement and the deadline
  // (C2), abort and the close signal (C3), error attachment (C5) and the safety net (C7).
  const stage = new PassStage<T>(
    WHERE,
    source,
    signal === undefined ? { closeTimeout: options?.closeTimeout } : { signal, closeTimeout: options?.closeTimeout },
  );

  const readable = new Readable({
    objectMode,
    highWaterMark,
    read(): void {
      // Node calls _read again only after a push: one next() at a time, one item per call.
      stage.next().then(
        (result) => {
          // Destroyed while the read was pending: C2 answered it with done, nothing to push.
          if (readable.destroyed) return;
          if (result.done === true) {
            readable.push(null);
          } else if (result.value === null) {
            // push(null) would end the stream early, silently: the item cannot be carried.
            readable.destroy(
              new TypeError(`${WHERE}: the source yielded \`null\`, which a Readable cannot carry (push(null) ends the stream).`),
            );
          } else {
            readable.push(result.value);
          }
        },
        (error: unknown) => {
          if (readable.destroyed) {
            // C5: the error was on its way when the stream was destroyed; destroy() would
            // drop it now, so it is reported. An abort's own reason is expected (C3).
            if (signal?.aborted !== true || error !== signal.reason) report({ type: 'late-error', stage: WHERE, error });
            return;
          }
          // The source failed, or C3: the signal fired (the reason itself).
          readable.destroy(error as Error);
        },
      );
    },
    destroy(error, callback): void {
      // C1/C2: close the source at once, a parked read included; 'close' waits for it, up
      // to the close deadline. C5: return() reports a close error as well as rejecting
      // (pipeline keeps only its first error), and here it rides on the destroy's error.
      stage.return().then(
        () => {
          callback(error);
        },
        (closeError: unknown) => {
          callback(suppress(closeError, error ?? NO_ERROR) as Error);
        },
      );
    },
  });

  if (signal !== undefined) destroyOnAbort(signal, readable);
  return readable;
}

/**
 * C3: the stage rejects a pending read with the reason, but a stream with a full buffer
 * has no read pending: the signal destroys the stream itself, with the reason as is. The
 * listener holds the stream weakly, so a long-lived signal does not keep an abandoned
 * stream (and its stage) alive (C7); it is removed when the stream closes.
 */
function destroyOnAbort(signal: AbortSignal, readable: Readable): void {
  if (signal.aborted) {
    readable.destroy(signal.reason as Error);
    return;
  }
  const remove = listenForAbort(signal, readable, destroyWith);
  readable.once('close', remove);
}

/** Module-level, so the listener holds the stream weakly (C7). */
function destroyWith(readable: Readable, reason: unknown): void {
  readable.destroy(reason as Error);
}
