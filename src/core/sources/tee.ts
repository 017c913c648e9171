import type { Source } from '../source.js';
import type { Stage } from '../stage.js';
import { checkRange } from '../validate.js';
import { sharedOptions, type ShareOptions } from './share.js';
import { SharedSource } from './shared-source.js';

/**
 * Split one source into `n` streams, each receiving every item (`ReadableStream.tee`,
 * IxJS/it-* `tee`). Built on {@link share}: the source is opened once, read at the pace
 * of the slowest branch (no branch falls more than `bufferSize` items behind), and closed
 * exactly once, when the last branch is closed or finished (C1, C4). A source error
 * reaches every branch (C5); `options.signal` aborts every branch (C3).
 *
 * @param source - Any source.
 * @param n - How many branches: a whole number from 1 up.
 * @param options - `bufferSize` (default 16), `signal` and `closeTimeout`.
 * @returns `n` stages.
 * @throws TypeError / RangeError at the call when an argument is wrong.
 * @example
 * ```ts
 * import { tee, toArray, count } from 'iterscope';
 *
 * const [items, howMany] = tee(['a', 'b', 'c'], 2);
 * console.log(await Promise.all([toArray(items), count(howMany)])); // [['a', 'b', 'c'], 3]
 * ```
 */
export function tee<T>(source: Source<T>, n: number, options?: ShareOptions): Stage<T>[] {
  checkRange('tee', 'n', n, 'size');
  const { bufferSize, stage } = sharedOptions('tee', options);
  const hub = new SharedSource<T>('tee', source, bufferSize, stage);
  return Array.from({ length: n }, () => hub.consumer());
}
