/**
 * What a step may answer besides one item: read on without answering ({@link skip}), finish
 * the stream ({@link stop}), or several items ({@link many}). The stage base and
 * `defineOperator`'s stages read the same skip and stop, so a user operator's answer needs
 * no translating.
 *
 * C11: registered symbols, versioned, so an operator defined with one copy of iterscope and
 * a sentinel imported from another copy agree.
 */
import { describe } from './validate.js';

/**
 * Returned from a {@link defineOperator} `step` (or resolved by its promise): this source
 * item produces nothing; the stage reads the next one without answering the consumer.
 *
 * @example
 * ```ts
 * import { pipe, defineOperator, skip } from 'iterscope';
 *
 * const evens = defineOperator('evens', { step: (x: number) => (x % 2 === 0 ? x : skip) });
 * for await (const x of pipe([1, 2, 3, 4], evens)) console.log(x); // 2, 4
 * ```
 */
export const skip: unique symbol = Symbol.for('iterscope.step.skip.v1');

/**
 * Returned from a {@link defineOperator} `step` or `flush`: the stream is finished. From
 * `step`, the source is closed (C1) and the consumer gets `done`; from `flush`, the source
 * had already ended and the consumer gets `done`.
 *
 * @example
 * ```ts
 * import { pipe, defineOperator, stop } from 'iterscope';
 *
 * const untilNegative = defineOperator('untilNegative', { step: (x: number) => (x < 0 ? stop : x) });
 * for await (const x of pipe([1, 2, -1, 3], untilNegative)) console.log(x); // 1, 2
 * ```
 */
export const stop: unique symbol = Symbol.for('iterscope.step.stop.v1');

/**
 * The type of {@link skip}.
 *
 * @example
 * ```ts
 * import { skip, type Skip } from 'iterscope';
 * const nothing: Skip = skip;
 * console.log(nothing === skip); // true
 * ```
 */
export type Skip = typeof skip;

/**
 * The type of {@link stop}.
 *
 * @example
 * ```ts
 * import { stop, type Stop } from 'iterscope';
 * const finished: Stop = stop;
 * console.log(finished === stop); // true
 * ```
 */
export type Stop = typeof stop;

const kMany = Symbol.for('iterscope.step.many.v1'); // C11: read by any copy's defineOperator

/**
 * Several items answered for one source item: what {@link many} returns.
 *
 * @example
 * ```ts
 * import { many, type Many } from 'iterscope';
 * const words: Many<string> = many('a b'.split(' '));
 * console.log(typeof words); // 'object'
 * ```
 */
export interface Many<T> {
  /** The items, in order (a copy made when {@link many} was called). */
  readonly [kMany]: readonly T[];
}

/**
 * Answer several items for one source item from a {@link defineOperator} `step` or
 * `flush`: the consumer gets them one per read, in order, before the stage reads its source
 * again (or, from `flush`, before `flush` is called again). `many([])` is the same as
 * {@link skip} from `step`. The items are passed as they are (a `skip` or `stop` among them
 * is an item). Items not yet read when the stream stops are dropped.
 *
 * @param items - The items to pass, copied at the call.
 * @returns The answer for `step` or `flush`.
 * @throws TypeError at the call when `items` is not iterable.
 * @example
 * ```ts
 * import { pipe, defineOperator, many } from 'iterscope';
 *
 * const words = defineOperator('words', { step: (line: string) => many(line.split(' ')) });
 * for await (const w of pipe(['a b', 'c'], words)) console.log(w); // 'a', 'b', 'c'
 * ```
 */
export function many<T>(items: Iterable<T>): Many<T> {
  if (typeof (items as { [Symbol.iterator]?: unknown } | null | undefined)?.[Symbol.iterator] !== 'function') {
    throw new TypeError(`many: expected \`items\` to be an iterable, got ${describe(items)}.`);
  }
  return { [kMany]: Array.from(items) };
}

/** The items of a {@link many} answer, or undefined for any other answer. @internal */
export function manyItems(answer: unknown): readonly unknown[] | undefined {
  if (typeof answer !== 'object' || answer === null) return undefined;
  return (answer as { [kMany]?: readonly unknown[] })[kMany];
}
