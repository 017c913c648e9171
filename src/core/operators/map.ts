import type { Operator } from '../operator.js';
import type { StageOptions } from '../stage.js';
import { checkFunction, checkRange, checkStageOptions, describe } from '../validate.js';
import { ConcurrentMapStage } from './concurrent-map.js';
import { stepOperator, tailStep } from './step-stage.js';

/**
 * Options of {@link map}: those of every stage, and how many items to map at once.
 *
 * @example
 * ```ts
 * import { map, type MapOptions } from 'iterscope';
 * const options: MapOptions = { concurrency: 4, ordered: false };
 * console.log(typeof map((x: number) => x, options));
 * ```
 */
export interface MapOptions extends StageOptions {
  /**
   * How many calls of `fn` may run at once: a whole number from 1 up, or Infinity.
   * Default 1. Above 1, the source is read ahead of the consumer (one `next()` at a time)
   * while fewer than this many items are being mapped or waiting to be read.
   */
  readonly concurrency?: number | undefined;
  /** With `concurrency`: pass results in source order (default) or as they finish. */
  readonly ordered?: boolean | undefined;
}

/**
 * Transform each item. `fn` gets the item and its index and may be async; items stay in
 * order. If `fn` throws (or rejects), the source is closed (C1) and the error reaches the
 * consumer, with any cleanup error attached (C5).
 *
 * @param fn - `(value, index) => result`, sync or async.
 * With `concurrency` above 1, up to that many calls of `fn` run at once; results keep
 * the source order unless `ordered` is false. On any stop the source is closed (C1) and
 * results not yet read are dropped; a call still running when the stream stopped is not
 * awaited, and its error, if any, is reported (C5).
 *
 * @param options - `concurrency`, `ordered`, `signal` and `closeTimeout`.
 * @returns An operator for {@link pipe}.
 * @throws TypeError at the call when `fn` is not a function or an option is wrong.
 * @example
 * ```ts
 * import { pipe, map } from 'iterscope';
 *
 * for await (const line of pipe(['a', 'b'], map((s, i) => `${i}: ${s}`))) {
 *   console.log(line); // '0: a', '1: b'
 * }
 * const fetchLength = async (s: string) => { await new Promise((r) => setTimeout(r, 5)); return s.length; };
 * for await (const n of pipe(['a', 'bb', 'ccc'], map(fetchLength, { concurrency: 2 }))) console.log(n); // 1, 2, 3
 * ```
 */
export function map<T, U>(fn: (value: T, index: number) => U | PromiseLike<U>, options?: MapOptions): Operator<T, U> {
  checkFunction('map', 'fn', fn);
  checkStageOptions('map', options);
  const concurrency = options?.concurrency ?? 1;
  checkRange('map', 'options.concurrency', concurrency, 'concurrency');
  const ordered = options?.ordered ?? true;
  if (typeof ordered !== 'boolean') throw new TypeError(`map: expected \`options.ordered\` to be a boolean, got ${describe(ordered)}.`);
  if (concurrency > 1) return (source) => new ConcurrentMapStage<T, U>(source, fn, concurrency, ordered, options);
  // One step factory for the standalone stage and the fused step (step-stage.ts).
  return stepOperator<T, U>(
    {
      name: 'map',
      // The loop calls `fn` itself, with the index it keeps (read-loop.ts).
      makeStep: () => tailStep(fn),
    },
    options,
  );
}
