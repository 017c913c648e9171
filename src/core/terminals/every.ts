import type { Source } from '../source.js';
import type { StageOptions } from '../stage.js';
import { checkFunction } from '../validate.js';
import { openReader } from './reader.js';
import { negate, search } from './search.js';

/**
 * True when `predicate` holds for every item (and for an empty stream). The first item it
 * does not hold for resolves `false` and closes the source (C1) without reading further.
 * If `predicate` throws, the source is closed and the error rejects the promise, with
 * any close error attached (C5).
 *
 * @param source - Any source.
 * @param predicate - `(value, index) => boolean`, sync or async.
 * @param options - `signal` to abort, `closeTimeout` for the close deadline in ms.
 * @returns Whether every item satisfies `predicate`.
 * @throws TypeError at the call when `source` is not iterable, `predicate` is not a
 * function or an option is wrong.
 * @example
 * ```ts
 * import { every } from 'iterscope';
 *
 * console.log(await every([2, 4, 6], (x) => x % 2 === 0)); // true
 * console.log(await every([2, 3, 4], (x) => x % 2 === 0)); // false, after reading 2 and 3
 * ```
 */
export function every<T>(source: Source<T>, predicate: (value: T, index: number) => unknown, options?: StageOptions): Promise<boolean> {
  checkFunction('every', 'predicate', predicate);
  // C10: the checks above and openReader's run at the call, not inside a promise.
  return search(openReader('every', source, options), negate(predicate)).then((miss) => miss === undefined);
}
