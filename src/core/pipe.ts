import { aclosing } from './aclosing.js';
import type { Source } from './source.js';
import type { Stage } from './stage.js';
import { fuse, fusePart, type FusePart } from './operators/fused.js';
import { checkFunction } from './validate.js';

type Fn<A, B> = (input: A) => B;

/**
 * Chain operators onto a source: `pipe(source, a, b)` is `b(a(source))`, and
 * `pipe(source)` is `aclosing(source)`. Every operator is checked at the call (C10).
 *
 * @param source - What the first operator reads.
 * @returns What the last operator returns (an iterscope stage for iterscope operators).
 * @example
 * ```ts
 * import { pipe, map, filter, take } from 'iterscope';
 *
 * const evensDoubled = pipe(
 *   [1, 2, 3, 4, 5, 6],
 *   filter((x) => x % 2 === 0),
 *   map((x) => x * 2),
 *   take(2),
 * );
 * for await (const x of evensDoubled) console.log(x); // 4, 8
 * ```
 */
export function pipe<T>(source: Source<T>): Stage<T>;
export function pipe<T, A>(source: Source<T>, op1: Fn<Source<T>, A>): A;
export function pipe<T, A, B>(source: Source<T>, op1: Fn<Source<T>, A>, op2: Fn<A, B>): B;
export function pipe<T, A, B, C>(source: Source<T>, op1: Fn<Source<T>, A>, op2: Fn<A, B>, op3: Fn<B, C>): C;
export function pipe<T, A, B, C, D>(
  source: Source<T>,
  op1: Fn<Source<T>, A>,
  op2: Fn<A, B>,
  op3: Fn<B, C>,
  op4: Fn<C, D>,
): D;
export function pipe<T, A, B, C, D, E>(
  source: Source<T>,
  op1: Fn<Source<T>, A>,
  op2: Fn<A, B>,
  op3: Fn<B, C>,
  op4: Fn<C, D>,
  op5: Fn<D, E>,
): E;
export function pipe<T, A, B, C, D, E, F>(
  source: Source<T>,
  op1: Fn<Source<T>, A>,
  op2: Fn<A, B>,
  op3: Fn<B, C>,
  op4: Fn<C, D>,
  op5: Fn<D, E>,
  op6: Fn<E, F>,
): F;
export function pipe<T, A, B, C, D, E, F, G>(
  source: Source<T>,
  op1: Fn<Source<T>, A>,
  op2: Fn<A, B>,
  op3: Fn<B, C>,
  op4: Fn<C, D>,
  op5: Fn<D, E>,
  op6: Fn<E, F>,
  op7: Fn<F, G>,
): G;
export function pipe<T, A, B, C, D, E, F, G, H>(
  source: Source<T>,
  op1: Fn<Source<T>, A>,
  op2: Fn<A, B>,
  op3: Fn<B, C>,
  op4: Fn<C, D>,
  op5: Fn<D, E>,
  op6: Fn<E, F>,
  op7: Fn<F, G>,
  op8: Fn<G, H>,
): H;
export function pipe(source: Source<unknown>, ...operators: Fn<never, unknown>[]): unknown;
export function pipe(source: Source<unknown>, ...operators: Fn<never, unknown>[]): unknown {
  operators.forEach((operator, i) => {
    checkFunction('pipe', `operators[${String(i)}]`, operator);
  });
  if (operators.length === 0) return aclosing(source);
  // Consecutive option-less map/filter run as one stage: same contract, one promise
  // hand-off per item instead of one per operator (see operators/fused.ts).
  let result: unknown = source;
  let run: FusePart[] = [];
  let runStart = -1;
  const flush = (): void => {
    if (run.length === 1) result = (operators[runStart] as Fn<unknown, unknown>)(result);
    else if (run.length > 1) result = fuse(result, run);
    run = [];
  };
  operators.forEach((operator, i) => {
    const part = fusePart(operator);
    if (part !== undefined) {
      if (run.length === 0) runStart = i;
      run.push(part);
      return;
    }
    flush();
    result = (operator as Fn<unknown, unknown>)(result);
  });
  flush();
  return result;
}
