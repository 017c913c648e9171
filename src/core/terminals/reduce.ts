import type { Source } from '../source.js';
import { isThenable } from '../source.js';
import type { StageBase, StageOptions } from '../stage.js';
import { checkFunction } from '../validate.js';
import { closeAfterFailure, openReader } from './reader.js';

/**
 * Fold a stream into one value: `reducer(acc, value, index)` from `initial`. If
 * `reducer` throws, the source is closed and the error rejects the promise, with any close
 * error attached (C5). `options.signal` aborts (rejecting with `signal.reason`).
 *
 * @param source - Any source.
 * @param reducer - `(acc, value, index) => acc`, sync or async.
 * @param initial - The first `acc`. Required: a stream may be empty.
 * @param options - `signal` to abort, `closeTimeout` for the close deadline in ms.
 * @returns The final accumulator.
 * @throws TypeError at the call when `source` is not iterable, `reducer` is not a function
 * or `initial` is missing.
 * @example
 * ```ts
 * import { reduce } from 'iterscope';
 *
 * console.log(await reduce([1, 2, 3], (sum, x) => sum + x, 0)); // 6
 * ```
 */
export function reduce<T, A>(
  source: Source<T>,
  reducer: (acc: A, value: T, index: number) => A | PromiseLike<A>,
  initial: A,
  options?: StageOptions,
): Promise<A> {
  checkFunction('reduce', 'reducer', reducer);
  if (arguments.length < 3) {
    throw new TypeError('reduce: expected `initial` (the first accumulator), got none.');
  }
  return run(openReader('reduce', source, options), reducer, initial);
}

async function run<T, A>(
  reader: StageBase<T, T>,
  reducer: (acc: A, value: T, index: number) => A | PromiseLike<A>,
  initial: A,
): Promise<A> {
  let acc = initial;
  let index = 0;
  for (;;) {
    const result = await reader.next();
    if (result.done === true) return acc;
    try {
      const next = reducer(acc, result.value, index++);
      acc = isThenable(next) ? await next : next;
    } catch (error) {
      return closeAfterFailure(reader, error);
    }
  }
}
