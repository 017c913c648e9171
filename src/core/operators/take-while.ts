import type { Operator } from '../operator.js';
import { STOP, type StageOptions } from '../stage.js';
import { checkFunction, checkStageOptions } from '../validate.js';
import { stepOperator, tailStep } from './step-stage.js';

/**
 * Pass items while `predicate` holds; the first item for which it does not ends the
 * stream (that item is not passed) and closes the source (C1).
 *
 * @param predicate - `(value, index) => boolean`, sync or async.
 * @param options - `signal` and `closeTimeout`, as for `aclosing`.
 * @returns An operator for {@link pipe}.
 * @throws TypeError at the call when `predicate` is not a function.
 * @example
 * ```ts
 * import { pipe, takeWhile } from 'iterscope';
 *
 * for await (const x of pipe([1, 2, 3, 1], takeWhile((x) => x < 3))) console.log(x); // 1, 2
 * ```
 */
export function takeWhile<T, S extends T>(
  predicate: (value: T, index: number) => value is S,
  options?: StageOptions,
): Operator<T, S>;
export function takeWhile<T>(predicate: (value: T, index: number) => unknown, options?: StageOptions): Operator<T, T>;
export function takeWhile<T>(predicate: (value: T, index: number) => unknown, options?: StageOptions): Operator<T, T> {
  checkFunction('takeWhile', 'predicate', predicate);
  checkStageOptions('takeWhile', options);
  return stepOperator<T, T>(
    {
      name: 'takeWhile',
      // A verdict step: STOP at the first item that fails, which ends the stream and
      // closes the source (C1).
      makeStep: () => tailStep(predicate, STOP),
    },
    options,
  );
}
