import type { Operator } from '../operator.js';
import type { Source } from '../source.js';
import { SKIP, StageBase, type StageOptions, type StepResult } from '../stage.js';
import { checkStageOptions } from '../validate.js';
import { acceptsFusion } from './fused.js';

const NONE: unique symbol = Symbol('iterscope.pairwise.none');

class PairwiseStage<T> extends StageBase<[T, T], T> {
  private previous: T | typeof NONE = NONE;
  constructor(source: Source<T>, options: StageOptions | undefined) {
    super('pairwise', source, options);
  }
  protected override step(value: T): StepResult<[T, T]> {
    const previous = this.previous;
    this.previous = value;
    return previous === NONE ? SKIP : [previous, value];
  }
}

/**
 * Pass each item with the one before it, as `[previous, current]`: n items give n - 1
 * pairs (none for fewer than two).
 *
 * @param options - `signal` and `closeTimeout`, as for `aclosing`.
 * @returns An operator for {@link pipe}.
 * @throws TypeError at the call when an option is wrong.
 * @example
 * ```ts
 * import { pipe, pairwise } from 'iterscope';
 *
 * for await (const [a, b] of pipe([1, 2, 4], pairwise())) console.log(b - a); // 1, 2
 * ```
 */
export function pairwise<T>(options?: StageOptions): Operator<T, [T, T]> {
  checkStageOptions('pairwise', options);
  return acceptsFusion((source) => new PairwiseStage<T>(source, options));
}
