import type { Operator } from '../operator.js';
import type { Source } from '../source.js';
import { STOP, StageBase } from '../stage.js';

class EndWithStage<T> extends StageBase<T, T> {
  private passed = 0;
  constructor(
    source: Source<T>,
    private readonly values: readonly T[],
  ) {
    super('endWith', source, undefined);
  }
  // The values come once the source has reported done, one per read.
  protected override flush(): T | typeof STOP {
    return this.passed < this.values.length ? (this.values[this.passed++] as T) : STOP;
  }
}

/**
 * Pass the source's items, then `values` once the source has ended. If the source fails,
 * or the consumer stops earlier, `values` are not passed.
 *
 * @param values - The items to pass last (none is allowed).
 * @returns An operator for {@link pipe}. For a signal or a close deadline, follow it with
 * `abortable(signal)` or wrap the result in `aclosing`.
 * @example
 * ```ts
 * import { pipe, endWith } from 'iterscope';
 *
 * for await (const x of pipe(['a', 'b'], endWith('done'))) console.log(x); // 'a', 'b', 'done'
 * ```
 */
export function endWith<T>(...values: T[]): Operator<T, T> {
  return (source) => new EndWithStage<T>(source, values);
}
