import type { Operator } from '../operator.js';
import type { Source } from '../source.js';
import { StageBase, type StageOptions } from '../stage.js';
import { isThenable } from '../source.js';
import { checkFunction, checkStageOptions } from '../validate.js';
import { acceptsFusion } from './fused.js';

class ScanStage<T, A> extends StageBase<A, T> {
  private index = 0;
  private acc: A;
  constructor(
    source: Source<T>,
    private readonly reducer: (acc: A, value: T, index: number) => A | PromiseLike<A>,
    seed: A,
    options: StageOptions | undefined,
  ) {
    super('scan', source, options);
    this.acc = seed;
  }
  protected override step(value: T): A | PromiseLike<A> {
    const next = this.reducer(this.acc, value, this.index++);
    if (isThenable(next)) return Promise.resolve(next).then(this.store);
    this.acc = next;
    return next;
  }
  private readonly store = (acc: A): A => {
    this.acc = acc;
    return acc;
  };
}

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
  return acceptsFusion((source) => new ScanStage<T, A>(source, reducer, seed, options));
}
