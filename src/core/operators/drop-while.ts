import type { Operator } from '../operator.js';
import type { Source } from '../source.js';
import { SKIP, StageBase, type StageOptions, type StepResult } from '../stage.js';
import { isThenable } from '../source.js';
import { checkFunction, checkStageOptions } from '../validate.js';
import { acceptsFusion } from './fused.js';

class DropWhileStage<T> extends StageBase<T, T> {
  private index = 0;
  private dropping = true;
  constructor(
    source: Source<T>,
    private readonly predicate: (value: T, index: number) => unknown,
    options: StageOptions | undefined,
  ) {
    super('dropWhile', source, options);
  }
  protected override step(value: T): StepResult<T> | PromiseLike<StepResult<T>> {
    if (!this.dropping) return value;
    const drop = this.predicate(value, this.index++);
    if (isThenable(drop)) return Promise.resolve(drop).then((d) => this.decide(d, value));
    return this.decide(drop, value);
  }
  private decide(drop: unknown, value: T): StepResult<T> {
    if (drop) return SKIP;
    // The first item that fails is passed, and the predicate is never called again.
    this.dropping = false;
    return value;
  }
}

/**
 * Drop items while `predicate` holds; from the first item for which it does not, pass
 * every item (that one included) without calling `predicate` again.
 *
 * @param predicate - `(value, index) => boolean`, sync or async.
 * @param options - `signal` and `closeTimeout`, as for `aclosing`.
 * @returns An operator for {@link pipe}.
 * @throws TypeError at the call when `predicate` is not a function or an option is wrong.
 * @example
 * ```ts
 * import { pipe, dropWhile } from 'iterscope';
 *
 * for await (const x of pipe([1, 2, 3, 1], dropWhile((x) => x < 3))) console.log(x); // 3, 1
 * ```
 */
export function dropWhile<T>(predicate: (value: T, index: number) => unknown, options?: StageOptions): Operator<T, T> {
  checkFunction('dropWhile', 'predicate', predicate);
  checkStageOptions('dropWhile', options);
  return acceptsFusion((source) => new DropWhileStage<T>(source, predicate, options));
}
