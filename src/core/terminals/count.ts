import { isThenable, type Source } from '../source.js';
import type { StageBase, StageOptions } from '../stage.js';
import { checkFunction } from '../validate.js';
import { closeAfterFailure, openReader } from './reader.js';

/**
 * Count the items (those `predicate` holds for, when given) by reading the whole stream.
 * If `predicate` throws, the source is closed and the error rejects the promise, with any
 * close error attached (C5); an abort rejects with `signal.reason`.
 *
 * @param source - Any source.
 * @param predicate - `(value, index) => boolean`, sync or async; every item counts when
 * left out.
 * @param options - `signal` to abort, `closeTimeout` for the close deadline in ms.
 * @returns The number of (matching) items.
 * @throws TypeError at the call when `source` is not iterable, `predicate` is not a
 * function or an option is wrong.
 * @example
 * ```ts
 * import { count } from 'iterscope';
 *
 * console.log(await count(['a', 'b', 'c'])); // 3
 * console.log(await count([1, 2, 3, 4], (x) => x % 2 === 0)); // 2
 * ```
 */
export function count<T>(source: Source<T>, predicate?: (value: T, index: number) => unknown, options?: StageOptions): Promise<number> {
  if (predicate !== undefined) checkFunction('count', 'predicate', predicate);
  const reader = openReader('count', source, options);
  return predicate === undefined ? countAll(reader) : countMatching(reader, predicate);
}

async function countAll<T>(reader: StageBase<T, T>): Promise<number> {
  let n = 0;
  // A rejected next() means the reader already stopped and closed the source (C1).
  while ((await reader.next()).done !== true) n++;
  return n;
}

async function countMatching<T>(reader: StageBase<T, T>, predicate: (value: T, index: number) => unknown): Promise<number> {
  let n = 0;
  let index = 0;
  for (;;) {
    const result = await reader.next();
    if (result.done === true) return n;
    try {
      let hit = predicate(result.value, index++);
      if (isThenable(hit)) hit = await hit;
      if (hit) n++;
    } catch (error) {
      return closeAfterFailure(reader, error);
    }
  }
}
