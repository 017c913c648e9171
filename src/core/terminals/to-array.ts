import type { Source } from '../source.js';
import type { StageOptions } from '../stage.js';
import { openReader } from './reader.js';

/**
 * Read a whole stream into an array. The source is closed on every path that stops early
 * (an abort: the promise rejects with `signal.reason`, that exact object), and a source
 * error rejects the promise with any close error attached (C5).
 *
 * Works as the last step of {@link pipe} too: `await pipe(source, map(f), toArray)`.
 *
 * @param source - Any source.
 * @param options - `signal` to abort, `closeTimeout` for the close deadline in ms.
 * @returns The items, in order.
 * @throws TypeError at the call when `source` is not iterable or an option is wrong.
 * @example
 * ```ts
 * import { pipe, map, toArray } from 'iterscope';
 *
 * console.log(await toArray(pipe([1, 2, 3], map((x) => x * 2)))); // [2, 4, 6]
 * console.log(await toArray([1, 2], { signal: AbortSignal.timeout(1_000) })); // [1, 2]
 * ```
 */
export function toArray<T>(source: Source<T>, options?: StageOptions): Promise<T[]> {
  const reader = openReader('toArray', source, options);
  return drain(reader);
}

async function drain<T>(reader: AsyncIterator<T, undefined>): Promise<T[]> {
  const items: T[] = [];
  for (;;) {
    // A rejected next() means the reader already stopped and closed the source (C1).
    const result = await reader.next();
    if (result.done === true) return items;
    items.push(result.value);
  }
}
