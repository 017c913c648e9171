import { StageBase, type Stage, type StageOptions } from '../stage.js';
import { checkRange, checkStageOptions, describe } from '../validate.js';

const NOTHING: readonly never[] = Object.freeze([]);

class RangeStage extends StageBase<number, never> {
  private index = 0;
  constructor(
    private readonly start: number,
    private readonly count: number,
    options: StageOptions | undefined,
  ) {
    super('range', NOTHING, options);
  }
  protected override pull(): void {
    if (this.index < this.count) this.emit(this.start + this.index++);
    else this.finish(false);
  }
}

/**
 * `count` consecutive numbers from `start`: `range(1, 3)` is 1, 2, 3 (as in IxJS and
 * RxJS). With `count` `Infinity` it never ends; stop it with `take`, `takeWhile` or a
 * signal.
 *
 * @param start - The first number (finite).
 * @param count - How many: a whole number from 0 up, or Infinity.
 * @param options - `signal` and `closeTimeout`, as for `aclosing`.
 * @returns A stage of the numbers.
 * @throws TypeError / RangeError at the call when an argument is wrong.
 * @example
 * ```ts
 * import { range, pipe, map, take, toArray } from 'iterscope';
 *
 * console.log(await toArray(range(1, 3))); // [1, 2, 3]
 * console.log(await toArray(pipe(range(0, Infinity), map((x) => x * x), take(4)))); // [0, 1, 4, 9]
 * ```
 */
export function range(start: number, count: number, options?: StageOptions): Stage<number> {
  // Number.isFinite is false for anything that is not a number, NaN and ±Infinity alike.
  if (!Number.isFinite(start)) {
    throw new TypeError(`range: expected \`start\` to be a finite number, got ${describe(start)}.`);
  }
  checkRange('range', 'count', count, 'count');
  checkStageOptions('range', options);
  return new RangeStage(start, count, options);
}
