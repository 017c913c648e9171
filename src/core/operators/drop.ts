import type { Operator } from '../operator.js';
import { SKIP, type StageOptions } from '../stage.js';
import { checkCount, checkStageOptions } from '../validate.js';
import { stepOperator, tailStep } from './step-stage.js';

/**
 * Skip the first `count` items, then pass the rest.
 *
 * @param count - A whole number from 0 up, or `Infinity` (which passes nothing).
 * @param options - `signal` and `closeTimeout`, as for `aclosing`.
 * @returns An operator for {@link pipe}.
 * @throws TypeError / RangeError at the call when `count` is not a whole number from 0 up.
 * @example
 * ```ts
 * import { pipe, drop } from 'iterscope';
 *
 * for await (const x of pipe(['header', 'a', 'b'], drop(1))) console.log(x); // 'a', 'b'
 * ```
 */
export function drop<T>(count: number, options?: StageOptions): Operator<T, T> {
  checkCount('drop', 'count', count);
  checkStageOptions('drop', options);
  return stepOperator<T, T>(
    {
      name: 'drop',
      makeStep: () => tailStep((value, index) => (index < count ? SKIP : value)),
    },
    options,
  );
}
