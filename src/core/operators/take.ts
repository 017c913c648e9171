import type { Operator } from '../operator.js';
import type { StageOptions } from '../stage.js';
import { checkCount, checkStageOptions } from '../validate.js';
import { stepOperator, tailStep } from './step-stage.js';

/**
 * Pass the first `count` items, then finish: the source is closed (C1) on the next read,
 * so nothing is read beyond what was asked for.
 *
 * @param count - A whole number from 0 up, or `Infinity`.
 * @param options - `signal` and `closeTimeout`, as for `aclosing`.
 * @returns An operator for {@link pipe}.
 * @throws TypeError / RangeError at the call when `count` is not a whole number from 0 up.
 * @example
 * ```ts
 * import { pipe, take } from 'iterscope';
 *
 * async function* forever() { let i = 0; while (true) yield i++; }
 * for await (const x of pipe(forever(), take(3))) console.log(x); // 0, 1, 2
 * ```
 */
export function take<T>(count: number, options?: StageOptions): Operator<T, T> {
  checkCount('take', 'count', count);
  checkStageOptions('take', options);
  // One step factory for the standalone stage and the fused step (step-stage.ts): the
  // count-th item is marked the last, so the stage passes it and then closes the source
  // instead of reading an item nobody asked for (C1).
  return stepOperator<T, T>(
    {
      name: 'take',
      endsAtOnce: count === 0,
      makeStep: (end) =>
        tailStep((value, index) => {
          if (index + 1 === count) end();
          return value;
        }),
    },
    options,
  );
}
