import type { Operator } from '../operator.js';
import type { Source } from '../source.js';
import { SKIP, StageBase, type StageOptions, type StepResult } from '../stage.js';
import { isThenable } from '../source.js';
import { checkFunction, checkStageOptions } from '../validate.js';
import { acceptsFusion, fusable } from './fused.js';

class FilterStage<T> extends StageBase<T, T> {
  private index = 0;
  constructor(
    source: Source<T>,
    private readonly predicate: (value: T, index: number) => unknown,
    options: StageOptions | undefined,
  ) {
    super('filter', source, options);
  }
  protected override step(value: T): StepResult<T> | PromiseLike<StepResult<T>> {
    return keepOrSkip(value, this.predicate(value, this.index++));
  }
}

/** The item or SKIP, by the predicate's answer (or a promise of them): the stage's step and its fused form share it. */
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
  const operator: Operator<T, T> = (source) => new FilterStage<T>(source, predicate, options);
  if (options !== undefined) return acceptsFusion(operator);
  // In pipe, consecutive option-less map/filter run as one stage (see fused.ts).
  return fusable(operator, {
    name: 'filter',
    makeStep: () => {
      let index = 0;
      return (value) => keepOrSkip(value, predicate(value as T, index++));
    },
  });
}
