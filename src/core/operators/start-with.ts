import type { Operator } from '../operator.js';
import type { Source } from '../source.js';
import { StageBase, type StageOptions } from '../stage.js';

class StartWithStage<T> extends StageBase<T, T> {
  private passed = 0;
  constructor(
    source: Source<T>,
    private readonly values: readonly T[],
    options: StageOptions | undefined,
  ) {
    super('startWith', source, options);
  }
  protected override pull(): void {
    // C1: the source is opened only once the values are passed, at the first read after them.
    if (this.passed < this.values.length) this.emit(this.values[this.passed++] as T);
    else super.pull();
  }
}

/**
 * Pass `values` first, then the source's items. The source is opened only when the
 * consumer reads past `values`, so a consumer that stops earlier opens nothing (C1).
 *
 * @param values - The items to pass first (none is allowed).
 * @returns An operator for {@link pipe}. For a signal or a close deadline, follow it with
 * `abortable(signal)` or wrap the result in `aclosing`.
 * @example
 * ```ts
 * import { pipe, startWith } from 'iterscope';
 *
 * for await (const x of pipe(['b', 'c'], startWith('a'))) console.log(x); // 'a', 'b', 'c'
 * ```
 */
export function startWith<T>(...values: T[]): Operator<T, T> {
  return (source) => new StartWithStage<T>(source, values, undefined);
}
