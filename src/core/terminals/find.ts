import type { Source } from '../source.js';
import type { StageOptions } from '../stage.js';
import { checkFunction } from '../validate.js';
import { openReader } from './reader.js';
import { search } from './search.js';

/**
 * The first item `predicate` holds for; the source is closed then (C1), and the promise
 * resolves once it has finished closing. `undefined` when no item matches. If
 * `predicate` throws, the source is closed and the error rejects the promise, with any
 * close error attached (C5).
 *
 * @param source - Any source.
 * @param predicate - `(value, index) => boolean`, sync or async; a type guard narrows.
 * @param options - `signal` to abort, `closeTimeout` for the close deadline in ms.
 * @returns The first matching item, or `undefined`.
 * @throws TypeError at the call when `source` is not iterable, `predicate` is not a
 * function or an option is wrong.
 * @example
 * ```ts
 * import { find } from 'iterscope';
 *
 * const users = [{ name: 'ada', admin: false }, { name: 'grace', admin: true }];
 * console.log(await find(users, (u) => u.admin)); // { name: 'grace', admin: true }
 * ```
 */
export function find<T, S extends T>(
  source: Source<T>,
  predicate: (value: T, index: number) => value is S,
  options?: StageOptions,
): Promise<S | undefined>;
export function find<T>(source: Source<T>, predicate: (value: T, index: number) => unknown, options?: StageOptions): Promise<T | undefined>;
export function find<T>(source: Source<T>, predicate: (value: T, index: number) => unknown, options?: StageOptions): Promise<T | undefined> {
  checkFunction('find', 'predicate', predicate);
  // C10: the checks above and openReader's run at the call, not inside a promise.
  return search(openReader('find', source, options), predicate).then((hit) => hit?.value);
}
