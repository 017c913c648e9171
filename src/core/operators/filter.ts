import type { Operator } from '../operator.js';
import { SKIP, type StageOptions, type StepResult } from '../stage.js';
import { isThenable } from '../source.js';
import { checkFunction, checkStageOptions } from '../validate.js';
import { stepOperator } from './step-stage.js';

/** The item or SKIP, by the predicate's answer (or a promise of them). */
function keepOrSkip<T>(value: T, keep: unknown): StepResult<T> | PromiseLike<StepResult<T>> {
  if (isThenable(keep)) return Promise.resolve(keep).then((k) => (k ? value : SKIP));
  return keep ? value : SKIP;
}

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
      makeStep: () => {
        let index = 0;
        return (value) => keepOrSkip(value as T, predicate(value as T, index++));
      },
    },
    options,
  );
}
