import type { Source } from './source.js';
import type { Stage } from './stage.js';

/**
 * A curried operator: `map(fn)` returns one, and it turns a source into a stage. The same
 * values work in {@link pipe} and in IxJS's `AsyncIterableX#pipe`.
 *
 * @example
 * ```ts
 * import { map, type Operator } from 'iterscope';
 * const double: Operator<number, number> = map((x: number) => x * 2);
 * const stage = double([1, 2, 3]);
 * for await (const x of stage) console.log(x); // 2, 4, 6
 * ```
 */
export type Operator<In, Out> = (source: Source<In>) => Stage<Out>;
