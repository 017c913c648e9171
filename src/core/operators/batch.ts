import type { Operator } from '../operator.js';
import type { Source } from '../source.js';
import { SKIP, STOP, StageBase, type StageOptions } from '../stage.js';
import { checkRange, checkStageOptions } from '../validate.js';

class BatchStage<T> extends StageBase<T[], T> {
  private items: T[] = [];
  constructor(
    source: Source<T>,
    private readonly count: number,
    options: StageOptions | undefined,
  ) {
    super('batch', source, options);
  }
  protected override step(value: T): T[] | typeof SKIP {
    this.items.push(value);
    if (this.items.length < this.count) return SKIP;
    return this.take();
  }
  // The last, shorter batch is passed when the source ends; never an empty one.
  protected override flush(): T[] | typeof STOP {
    return this.items.length > 0 ? this.take() : STOP;
  }
  private take(): T[] {
    const items = this.items;
    this.items = [];
    return items;
  }
}

/**
 * Group items into arrays of `count`; the last array may be shorter and is passed when
 * the source ends. Items of a batch not yet full when the stream stops early (the
 * consumer's `break`, an error, an abort) are dropped.
 *
 * @param count - Items per batch: a whole number from 1 up.
 * @param options - `signal` and `closeTimeout`, as for `aclosing`.
 * @returns An operator for {@link pipe}.
 * @throws TypeError / RangeError at the call when `count` is not a whole number from 1 up
 * or an option is wrong.
 * @example
 * ```ts
 * import { pipe, batch } from 'iterscope';
 *
 * for await (const rows of pipe([1, 2, 3, 4, 5], batch(2))) console.log(rows); // [1, 2], [3, 4], [5]
 * ```
 */
export function batch<T>(count: number, options?: StageOptions): Operator<T, T[]> {
  checkRange('batch', 'count', count, 'size');
  checkStageOptions('batch', options);
  return (source) => new BatchStage<T>(source, count, options);
}
