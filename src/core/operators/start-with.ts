import type { Operator } from '../operator.js';
import { classify } from '../source.js';
import { ConcatStage } from './concat.js';

/**
 * Pass `values` first, then the source's items. The source is opened only when the
 * consumer reads past `values`, so a consumer that stops earlier opens nothing (C1).
 *
 * @param values - The items to pass first (none is allowed).
 * @returns An operator for {@link pipe}. For a signal or a close deadline, follow it with
 * `abortable(signal)` or wrap the result in `aclosing`.
 * @example
 * ```ts
 * import { pipe, startWith } from 'iterscope';
 *
 * for await (const x of pipe(['b', 'c'], startWith('a'))) console.log(x); // 'a', 'b', 'c'
 * ```
 */
export function startWith<T>(...values: T[]): Operator<T, T> {
  // C1: concat's order is startWith's: the source opens only when its turn comes, and a
  // source given as an open iterator is owned (closed on stop) from the start.
  return (source) => new ConcatStage<T>('startWith', [classify('startWith', values), classify('startWith', source)]);
}
