import { aclosing } from './aclosing.js';
import type { Source } from './source.js';
import type { Stage } from './stage.js';
import { absorb, fuse, fusePart, isFresh, type FusePart } from './operators/fused.js';
import { checkFunction } from './validate.js';

/**
 * One step of {@link pipe}: an operator such as `map(fn)`, or any function from one
 * iterable to another (IxJS operators too).
 *
 * @example
 * ```ts
 * import { pipe, type UnaryFunction } from 'iterscope';
 * const twice: UnaryFunction<AsyncIterable<number>, AsyncIterable<number>> = async function* (src) {
 *   for await (const x of src) { yield x; yield x; }
 * };
 * for await (const x of pipe([1, 2], twice)) console.log(x); // 1, 1, 2, 2
 * ```
 */
export type UnaryFunction<A, B> = (input: A) => B;

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
export function pipe<T, A>(source: Source<T>, op1: UnaryFunction<Source<T>, A>): A;
export function pipe<T, A, B>(source: Source<T>, op1: UnaryFunction<Source<T>, A>, op2: UnaryFunction<A, B>): B;
export function pipe<T, A, B, C>(source: Source<T>, op1: UnaryFunction<Source<T>, A>, op2: UnaryFunction<A, B>, op3: UnaryFunction<B, C>): C;
export function pipe<T, A, B, C, D>(
  source: Source<T>,
  op1: UnaryFunction<Source<T>, A>,
  op2: UnaryFunction<A, B>,
  op3: UnaryFunction<B, C>,
  op4: UnaryFunction<C, D>,
): D;
export function pipe<T, A, B, C, D, E>(
  source: Source<T>,
  op1: UnaryFunction<Source<T>, A>,
  op2: UnaryFunction<A, B>,
  op3: UnaryFunction<B, C>,
  op4: UnaryFunction<C, D>,
  op5: UnaryFunction<D, E>,
): E;
export function pipe<T, A, B, C, D, E, F>(
  source: Source<T>,
  op1: UnaryFunction<Source<T>, A>,
  op2: UnaryFunction<A, B>,
  op3: UnaryFunction<B, C>,
  op4: UnaryFunction<C, D>,
  op5: UnaryFunction<D, E>,
  op6: UnaryFunction<E, F>,
): F;
export function pipe<T, A, B, C, D, E, F, G>(
  source: Source<T>,
  op1: UnaryFunction<Source<T>, A>,
  op2: UnaryFunction<A, B>,
  op3: UnaryFunction<B, C>,
  op4: UnaryFunction<C, D>,
  op5: UnaryFunction<D, E>,
  op6: UnaryFunction<E, F>,
  op7: UnaryFunction<F, G>,
): G;
export function pipe<T, A, B, C, D, E, F, G, H>(
  source: Source<T>,
  op1: UnaryFunction<Source<T>, A>,
  op2: UnaryFunction<A, B>,
  op3: UnaryFunction<B, C>,
  op4: UnaryFunction<C, D>,
  op5: UnaryFunction<D, E>,
  op6: UnaryFunction<E, F>,
  op7: UnaryFunction<F, G>,
  op8: UnaryFunction<G, H>,
): H;
export function pipe(source: Source<unknown>, ...operators: UnaryFunction<never, unknown>[]): unknown;
export function pipe(source: Source<unknown>, ...operators: UnaryFunction<never, unknown>[]): unknown {
  operators.forEach((operator, i) => {
    checkFunction('pipe', `operators[${String(i)}]`, operator);
  });
  if (operators.length === 0) return aclosing(source);
  // Consecutive option-less map/filter run as one stage: same contract, one promise
  // hand-off per item instead of one per operator (see operators/fused.ts).
  let result: unknown = source;
  let run: FusePart[] = [];
  let runStart = -1;
  // True when `result` is a stage this call just made with an operator that returns a new
  // stage each time: only such a stage may take the steps that follow it.
  let fresh = false;
  const flush = (): void => {
    if (run.length === 0) return;
    if (fresh && absorb(result, run)) {
      // The steps run inside the stage before them.
    } else if (run.length === 1) {
      result = (operators[runStart] as UnaryFunction<unknown, unknown>)(result);
    } else {
      result = fuse(result, run);
    }
    fresh = true;
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
    result = (operator as UnaryFunction<unknown, unknown>)(result);
    fresh = isFresh(operator);
  });
  flush();
  return result;
}
