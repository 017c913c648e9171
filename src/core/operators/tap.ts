import type { Operator } from '../operator.js';
import type { StageOptions } from '../stage.js';
import { isThenable } from '../source.js';
import { checkFunction, checkStageOptions } from '../validate.js';
import { stepOperator, tailStep } from './step-stage.js';

/**
 * Run `fn` on each item for its side effect and pass the item on unchanged. An async
 * `fn` is awaited before the item is passed. If `fn` throws, the source is closed (C1)
 * and the error reaches the consumer.
 *
 * @param fn - `(value, index) => unknown`, sync or async; its result is ignored.
 * @param options - `signal` and `closeTimeout`, as for `aclosing`.
 * @returns An operator for {@link pipe}.
 * @throws TypeError at the call when `fn` is not a function.
 * @example
 * ```ts
 * import { pipe, tap, map } from 'iterscope';
 *
 * const stream = pipe([1, 2], tap((x) => console.log('saw', x)), map((x) => x * 10));
 * for await (const x of stream) console.log(x); // saw 1, 10, saw 2, 20
 * ```
 */
export function tap<T>(fn: (value: T, index: number) => unknown, options?: StageOptions): Operator<T, T> {
  checkFunction('tap', 'fn', fn);
  checkStageOptions('tap', options);
  // One step factory for the standalone stage and the fused step (step-stage.ts).
  return stepOperator<T, T>(
    {
      name: 'tap',
      makeStep: () =>
        tailStep((value: T, index) => {
          const done = fn(value, index);
          return isThenable(done) ? Promise.resolve(done).then(() => value) : value;
        }),
    },
    options,
  );
}
