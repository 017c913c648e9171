import type { Operator } from '../operator.js';
import type { Source } from '../source.js';
import { StageBase, type StageOptions } from '../stage.js';
import { checkFunction, checkStageOptions } from '../validate.js';
import { acceptsFusion, fusable } from './fused.js';

class MapStage<T, U> extends StageBase<U, T> {
  private index = 0;
  constructor(
    source: Source<T>,
    private readonly fn: (value: T, index: number) => U | PromiseLike<U>,
    options: StageOptions | undefined,
  ) {
    super('map', source, options);
  }
  protected step(value: T): U | PromiseLike<U> {
    return this.fn(value, this.index++);
  }
}

/**
 * Transform each item. `fn` gets the item and its index and may be async; items stay in
 * order. If `fn` throws (or rejects), the source is closed (C1) and the error reaches the
 * consumer, with any cleanup error attached (C5).
 *
 * @param fn - `(value, index) => result`, sync or async.
 * @param options - `signal` and `closeTimeout`, as for `aclosing`.
 * @returns An operator for {@link pipe}.
 * @throws TypeError at the call when `fn` is not a function.
 * @example
 * ```ts
 * import { pipe, map } from 'iterscope';
 *
 * for await (const line of pipe(['a', 'b'], map((s, i) => `${i}: ${s}`))) {
 *   console.log(line); // '0: a', '1: b'
 * }
 * ```
 */
export function map<T, U>(fn: (value: T, index: number) => U | PromiseLike<U>, options?: StageOptions): Operator<T, U> {
  checkFunction('map', 'fn', fn);
  checkStageOptions('map', options);
  const operator: Operator<T, U> = (source) => new MapStage<T, U>(source, fn, options);
  if (options !== undefined) return acceptsFusion(operator);
  // In pipe, consecutive option-less map/filter run as one stage (see fused.ts).
  return fusable(operator, {
    name: 'map',
    makeStep: () => {
      let index = 0;
      return (value) => fn(value as T, index++);
    },
  });
}
