import { openReader } from '../terminals/reader.js';
import type { Source } from '../source.js';
import type { StageOptions } from '../stage.js';

/**
 * Expose a source as a WHATWG `ReadableStream` (pull-based, no read-ahead: one item is
 * read per pull). Cancelling the stream closes the source (C1) and the cancel settles
 * when it has finished closing (or at the close deadline), rejecting with a close error.
 * A source error errors the stream; `options.signal` aborts it (the stream errors with
 * `signal.reason`).
 *
 * @param source - Any source.
 * @param options - `signal` to abort, `closeTimeout` for the close deadline in ms.
 * @returns A `ReadableStream` of the source's items.
 * @throws TypeError at the call when `source` is not iterable or an option is wrong.
 * @example
 * ```ts
 * import { toReadableStream } from 'iterscope';
 *
 * async function* words() { yield 'hello'; yield 'world'; }
 * const reader = toReadableStream(words()).getReader();
 * console.log(await reader.read()); // { value: 'hello', done: false }
 * await reader.cancel(); // closes words()
 * ```
 */
export function toReadableStream<T>(source: Source<T>, options?: StageOptions): ReadableStream<T> {
  const reader = openReader('toReadableStream', source, options);
  let cancelled = false;
  return new ReadableStream<T>(
    {
      pull(controller): Promise<void> {
        return reader.next().then(
          (result) => {
            if (cancelled) return;
            if (result.done === true) controller.close();
            else controller.enqueue(result.value);
          },
          (error: unknown) => {
            if (!cancelled) controller.error(error);
          },
        );
      },
      cancel(): Promise<void> {
        cancelled = true;
        return reader.return().then(() => undefined);
      },
    },
    // No read-ahead: the source is read only when the stream's reader asks.
    { highWaterMark: 0 },
  );
}
