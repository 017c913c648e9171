import type { Operator } from '../operator.js';
import type { Source } from '../source.js';
import { SKIP, StageBase, type StageOptions, type StepResult } from '../stage.js';
import { isThenable } from '../source.js';
import { checkFunction, checkStageOptions } from '../validate.js';
import { acceptsFusion } from './fused.js';

class DistinctStage<T, K> extends StageBase<T, T> {
  private readonly seen = new Set<unknown>();
  constructor(
    source: Source<T>,
    private readonly key: ((value: T) => K | PromiseLike<K>) | undefined,
    options: StageOptions | undefined,
  ) {
    super('distinct', source, options);
  }
  protected override step(value: T): StepResult<T> | PromiseLike<StepResult<T>> {
    if (this.key === undefined) return this.admit(value, value);
    const key = this.key(value);
    if (isThenable(key)) return Promise.resolve(key).then((k) => this.admit(k, value));
    return this.admit(key, value);
  }
  private admit(key: unknown, value: T): StepResult<T> {
    if (this.seen.has(key)) return SKIP;
    this.seen.add(key);
    return value;
  }
  protected override cleanup(): void {
    this.seen.clear(); // the keys can be large; a finished stream should not hold them
  }
  protected override hasCleanup = true;
}

/**
 * Pass each item whose key (the item itself, or `key(item)`) has not been seen before.
 * Keys are compared with `SameValueZero`, as a `Set` does, and kept until the stream ends:
 * memory grows with the number of distinct keys.
 *
 * @param key - `(value) => key`, sync or async; the item itself when left out.
 * @param options - `signal` and `closeTimeout`, as for `aclosing`.
 * @returns An operator for {@link pipe}.
 * @throws TypeError at the call when `key` is not a function or an option is wrong.
 * @example
 * ```ts
 * import { pipe, distinct } from 'iterscope';
 *
 * for await (const x of pipe([1, 2, 1, 3, 2], distinct())) console.log(x); // 1, 2, 3
 * const users = [{ id: 1 }, { id: 2 }, { id: 1 }];
 * for await (const u of pipe(users, distinct((u) => u.id))) console.log(u.id); // 1, 2
 * ```
 */
export function distinct<T, K = T>(key?: (value: T) => K | PromiseLike<K>, options?: StageOptions): Operator<T, T> {
  if (key !== undefined) checkFunction('distinct', 'key', key);
  checkStageOptions('distinct', options);
  return acceptsFusion((source) => new DistinctStage<T, K>(source, key, options));
}
