import type { Operator } from '../operator.js';
import { SKIP, type StageOptions } from '../stage.js';
import { checkFunction, checkStageOptions } from '../validate.js';
import { stepOperator, tailStep } from './step-stage.js';

/**
 * Keep the items for which `predicate` returns a truthy value (or a promise of one).
 * A type-guard predicate narrows the item type.
 *
 * @param predicate - `(value, index) => boolean`, sync or async.
 * @param options - `signal` and `closeTimeout`, as for `aclosing`.
 * @returns An operator for {@link pipe}.
 * @throws TypeError at the call when `predicate` is not a function.
 * @example
 * ```ts
 * import { pipe, filter } from 'iterscope';
 *
 * const words = pipe(['a', '', 'b'], filter((s) => s.length > 0));
 * for await (const w of words) console.log(w); // 'a', 'b'
 * ```
 */
export function filter<T, S extends T>(
  predicate: (value: T, index: number) => value is S,
  options?: StageOptions,
): Operator<T, S>;
export function filter<T>(predicate: (value: T, index: number) => unknown, options?: StageOptions): Operator<T, T>;
export function filter<T>(predicate: (value: T, index: number) => unknown, options?: StageOptions): Operator<T, T> {
  checkFunction('filter', 'predicate', predicate);
  checkStageOptions('filter', options);
  // One step factory for the standalone stage and the fused step (step-stage.ts).
  return stepOperator<T, T>(
    {
      name: 'filter',
      // A verdict step: the loop keeps the item or skips it by the predicate's answer.
      makeStep: () => tailStep(predicate, SKIP),
    },
    options,
  );
}
