import type { Operator } from '../operator.js';
import type { StageOptions } from '../stage.js';
import { isThenable } from '../source.js';
import { checkFunction, checkStageOptions } from '../validate.js';
import { stepOperator, tailStep } from './step-stage.js';

/**
 * Emit each running accumulation: `reducer(acc, value, index)` starting from `seed`, like
 * `Array.prototype.reduce` but one result per item.
 *
 * @param reducer - `(acc, value, index) => acc`, sync or async.
 * @param seed - The first `acc`. Required: a stream may be empty.
 * @param options - `signal` and `closeTimeout`, as for `aclosing`.
 * @returns An operator for {@link pipe}.
 * @throws TypeError at the call when `reducer` is not a function or `seed` is missing.
 * @example
 * ```ts
 * import { pipe, scan } from 'iterscope';
 *
 * for await (const total of pipe([1, 2, 3], scan((sum, x) => sum + x, 0))) {
 *   console.log(total); // 1, 3, 6
 * }
 * ```
 */
export function scan<T, A>(
  reducer: (acc: A, value: T, index: number) => A | PromiseLike<A>,
  seed: A,
  options?: StageOptions,
): Operator<T, A> {
  checkFunction('scan', 'reducer', reducer);
  if (arguments.length < 2) {
    throw new TypeError('scan: expected a `seed` (the first accumulator), got none.');
  }
  checkStageOptions('scan', options);
  // One step factory for the standalone stage and the fused step (step-stage.ts); each
  // stage starts from `seed`.
  return stepOperator<T, A>(
    {
      name: 'scan',
      makeStep: () => {
        let acc = seed;
        const store = (next: A): A => {
          acc = next;
          return next;
        };
        return tailStep((value: T, index) => {
          const next = reducer(acc, value, index);
          return isThenable(next) ? Promise.resolve(next).then(store) : store(next);
        });
      },
    },
    options,
  );
}
