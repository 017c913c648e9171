import type { Operator } from '../operator.js';
import type { Source } from '../source.js';
import { SKIP, StageBase, type StageOptions, type StepResult } from '../stage.js';
import { isThenable } from '../source.js';
import { checkFunction, checkStageOptions } from '../validate.js';
import { acceptsFusion } from './fused.js';

const NONE: unique symbol = Symbol('iterscope.distinctUntilChanged.none');

class DistinctUntilChangedStage<T> extends StageBase<T, T> {
  private previous: T | typeof NONE = NONE;
  constructor(
    source: Source<T>,
    private readonly equals: (previous: T, value: T) => unknown,
    options: StageOptions | undefined,
  ) {
    super('distinctUntilChanged', source, options);
  }
  protected override step(value: T): StepResult<T> | PromiseLike<StepResult<T>> {
    const previous = this.previous;
    if (previous === NONE) return this.pass(value);
    const same = this.equals(previous, value);
    if (isThenable(same)) return Promise.resolve(same).then((s) => (s ? SKIP : this.pass(value)));
    return same ? SKIP : this.pass(value);
  }
  private pass(value: T): T {
    this.previous = value;
    return value;
  }
}

/**
 * Drop an item equal to the one passed just before it. Equality is `Object.is` unless
 * `equals` is given.
 *
 * @param equals - `(previous, value) => boolean`, sync or async.
 * @param options - `signal` and `closeTimeout`, as for `aclosing`.
 * @returns An operator for {@link pipe}.
 * @throws TypeError at the call when `equals` is not a function or an option is wrong.
 * @example
 * ```ts
 * import { pipe, distinctUntilChanged } from 'iterscope';
 *
 * for await (const x of pipe([1, 1, 2, 2, 1], distinctUntilChanged())) console.log(x); // 1, 2, 1
 * ```
 */
export function distinctUntilChanged<T>(
  equals: (previous: T, value: T) => unknown = Object.is,
  options?: StageOptions,
): Operator<T, T> {
  checkFunction('distinctUntilChanged', 'equals', equals);
  checkStageOptions('distinctUntilChanged', options);
  return acceptsFusion((source) => new DistinctUntilChangedStage<T>(source, equals, options));
}
