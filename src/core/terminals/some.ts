import type { Source } from '../source.js';
import type { StageOptions } from '../stage.js';
import { checkFunction } from '../validate.js';
import { openReader } from './reader.js';
import { search } from './search.js';

/**
 * True as soon as `predicate` holds for an item: the source is closed then (C1), without
 * reading further, and the promise resolves once it has finished closing. False for a
 * stream with no such item. If `predicate` throws, the source is closed and the error
 * rejects the promise, with any close error attached (C5).
 *
 * @param source - Any source.
 * @param predicate - `(value, index) => boolean`, sync or async.
 * @param options - `signal` to abort, `closeTimeout` for the close deadline in ms.
 * @returns Whether some item satisfies `predicate`.
 * @throws TypeError at the call when `source` is not iterable, `predicate` is not a
 * function or an option is wrong.
 * @example
 * ```ts
 * import { some } from 'iterscope';
 *
 * async function* forever() { let i = 0; while (true) yield i++; }
 * console.log(await some(forever(), (x) => x > 2)); // true, and forever() is closed
 * ```
 */
export function some<T>(source: Source<T>, predicate: (value: T, index: number) => unknown, options?: StageOptions): Promise<boolean> {
  checkFunction('some', 'predicate', predicate);
  // C10: the checks above and openReader's run at the call, not inside a promise.
  return search(openReader('some', source, options), predicate).then((hit) => hit !== undefined);
}
