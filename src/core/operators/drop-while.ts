import type { Operator } from '../operator.js';
import { SKIP, type StageOptions } from '../stage.js';
import { isThenable } from '../source.js';
import { checkFunction, checkStageOptions } from '../validate.js';
import { stepOperator, tailStep } from './step-stage.js';

/**
 * Drop items while `predicate` holds; from the first item for which it does not, pass
 * every item (that one included) without calling `predicate` again.
 *
 * @param predicate - `(value, index) => boolean`, sync or async.
 * @param options - `signal` and `closeTimeout`, as for `aclosing`.
 * @returns An operator for {@link pipe}.
 * @throws TypeError at the call when `predicate` is not a function or an option is wrong.
 * @example
 * ```ts
 * import { pipe, dropWhile } from 'iterscope';
 *
 * for await (const x of pipe([1, 2, 3, 1], dropWhile((x) => x < 3))) console.log(x); // 3, 1
 * ```
 */
export function dropWhile<T>(predicate: (value: T, index: number) => unknown, options?: StageOptions): Operator<T, T> {
  checkFunction('dropWhile', 'predicate', predicate);
  checkStageOptions('dropWhile', options);
  return stepOperator<T, T>(
    {
      name: 'dropWhile',
      makeStep: () => {
        let dropping = true;
        const decide = (drop: unknown, value: unknown): unknown => {
          if (drop) return SKIP;
          // The first item that fails is passed, and the predicate is never called again.
          dropping = false;
          return value;
        };
        return tailStep((value: T, index) => {
          if (!dropping) return value;
          const drop = predicate(value, index);
          return isThenable(drop) ? Promise.resolve(drop).then((d) => decide(d, value)) : decide(drop, value);
        });
      },
    },
    options,
  );
}
