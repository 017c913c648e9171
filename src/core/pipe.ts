import { aclosing } from './aclosing.js';
import type { Source, SourceItem } from './source.js';
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
 * The parameter type of a 17th operator passed to {@link pipe}. `pipe` is typed for up to
 * 16 operators; beyond that the call does not fall back to `unknown` items (which would
 * hide every mistake after the 16th operator): it fails to compile at the 17th, with a
 * message that says what to do. Nest the rest: `pipe(pipe(source, ...first16), ...rest)`.
 *
 * @example
 * ```ts
 * import { pipe, map } from 'iterscope';
 *
 * const inc = map((x: number) => x + 1);
 * const sixteen = pipe([0], inc, inc, inc, inc, inc, inc, inc, inc, inc, inc, inc, inc, inc, inc, inc, inc);
 * for await (const x of pipe(sixteen, inc)) console.log(x); // 17
 * ```
 */
export interface PipeTypedUpTo16Operators {
  /** Never present: the name is the message a type error shows. */
  readonly 'pipe is typed for up to 16 operators: nest the rest, pipe(pipe(source, ...first16), ...rest)': never;
}

// Each operator's input is `NonNullable<A>` (`A & {}`), not `A`: that makes the operator's
// parameter a weaker inference site than the step before's result, so each type in the
// chain is inferred from what the steps produce, and an operator whose callback expects
// another item type is an error at that operator, not at the step before it. (`NoInfer`
// would also block the contextual typing that lets `filter(() => true)` or `take(1)` pick
// up the item type from the step before.)

/**
 * Chain operators onto a source: `pipe(source, a, b)` is `b(a(source))`, and
 * `pipe(source)` is `aclosing(source)`. Every operator is checked at the call (C10).
 *
 * Typed for up to 16 operators: a callback whose parameter type does not match what the
 * operator before it produces is a type error at that operator. A 17th operator is a type
 * error naming {@link PipeTypedUpTo16Operators}; nest `pipe` calls for longer chains.
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
export function pipe<S extends Source<unknown>, A>(
  source: S,
  op1: UnaryFunction<Source<SourceItem<S>>, A>,
): A;
export function pipe<S extends Source<unknown>, A, B>(
  source: S,
  op1: UnaryFunction<Source<SourceItem<S>>, A>,
  op2: UnaryFunction<NonNullable<A>, B>,
): B;
export function pipe<S extends Source<unknown>, A, B, C>(
  source: S,
  op1: UnaryFunction<Source<SourceItem<S>>, A>,
  op2: UnaryFunction<NonNullable<A>, B>,
  op3: UnaryFunction<NonNullable<B>, C>,
): C;
export function pipe<S extends Source<unknown>, A, B, C, D>(
  source: S,
  op1: UnaryFunction<Source<SourceItem<S>>, A>,
  op2: UnaryFunction<NonNullable<A>, B>,
  op3: UnaryFunction<NonNullable<B>, C>,
  op4: UnaryFunction<NonNullable<C>, D>,
): D;
export function pipe<S extends Source<unknown>, A, B, C, D, E>(
  source: S,
  op1: UnaryFunction<Source<SourceItem<S>>, A>,
  op2: UnaryFunction<NonNullable<A>, B>,
  op3: UnaryFunction<NonNullable<B>, C>,
  op4: UnaryFunction<NonNullable<C>, D>,
  op5: UnaryFunction<NonNullable<D>, E>,
): E;
export function pipe<S extends Source<unknown>, A, B, C, D, E, F>(
  source: S,
  op1: UnaryFunction<Source<SourceItem<S>>, A>,
  op2: UnaryFunction<NonNullable<A>, B>,
  op3: UnaryFunction<NonNullable<B>, C>,
  op4: UnaryFunction<NonNullable<C>, D>,
  op5: UnaryFunction<NonNullable<D>, E>,
  op6: UnaryFunction<NonNullable<E>, F>,
): F;
export function pipe<S extends Source<unknown>, A, B, C, D, E, F, G>(
  source: S,
  op1: UnaryFunction<Source<SourceItem<S>>, A>,
  op2: UnaryFunction<NonNullable<A>, B>,
  op3: UnaryFunction<NonNullable<B>, C>,
  op4: UnaryFunction<NonNullable<C>, D>,
  op5: UnaryFunction<NonNullable<D>, E>,
  op6: UnaryFunction<NonNullable<E>, F>,
  op7: UnaryFunction<NonNullable<F>, G>,
): G;
export function pipe<S extends Source<unknown>, A, B, C, D, E, F, G, H>(
  source: S,
  op1: UnaryFunction<Source<SourceItem<S>>, A>,
  op2: UnaryFunction<NonNullable<A>, B>,
  op3: UnaryFunction<NonNullable<B>, C>,
  op4: UnaryFunction<NonNullable<C>, D>,
  op5: UnaryFunction<NonNullable<D>, E>,
  op6: UnaryFunction<NonNullable<E>, F>,
  op7: UnaryFunction<NonNullable<F>, G>,
  op8: UnaryFunction<NonNullable<G>, H>,
): H;
export function pipe<S extends Source<unknown>, A, B, C, D, E, F, G, H, I>(
  source: S,
  op1: UnaryFunction<Source<SourceItem<S>>, A>,
  op2: UnaryFunction<NonNullable<A>, B>,
  op3: UnaryFunction<NonNullable<B>, C>,
  op4: UnaryFunction<NonNullable<C>, D>,
  op5: UnaryFunction<NonNullable<D>, E>,
  op6: UnaryFunction<NonNullable<E>, F>,
  op7: UnaryFunction<NonNullable<F>, G>,
  op8: UnaryFunction<NonNullable<G>, H>,
  op9: UnaryFunction<NonNullable<H>, I>,
): I;
export function pipe<S extends Source<unknown>, A, B, C, D, E, F, G, H, I, J>(
  source: S,
  op1: UnaryFunction<Source<SourceItem<S>>, A>,
  op2: UnaryFunction<NonNullable<A>, B>,
  op3: UnaryFunction<NonNullable<B>, C>,
  op4: UnaryFunction<NonNullable<C>, D>,
  op5: UnaryFunction<NonNullable<D>, E>,
  op6: UnaryFunction<NonNullable<E>, F>,
  op7: UnaryFunction<NonNullable<F>, G>,
  op8: UnaryFunction<NonNullable<G>, H>,
  op9: UnaryFunction<NonNullable<H>, I>,
  op10: UnaryFunction<NonNullable<I>, J>,
): J;
export function pipe<S extends Source<unknown>, A, B, C, D, E, F, G, H, I, J, K>(
  source: S,
  op1: UnaryFunction<Source<SourceItem<S>>, A>,
  op2: UnaryFunction<NonNullable<A>, B>,
  op3: UnaryFunction<NonNullable<B>, C>,
  op4: UnaryFunction<NonNullable<C>, D>,
  op5: UnaryFunction<NonNullable<D>, E>,
  op6: UnaryFunction<NonNullable<E>, F>,
  op7: UnaryFunction<NonNullable<F>, G>,
  op8: UnaryFunction<NonNullable<G>, H>,
  op9: UnaryFunction<NonNullable<H>, I>,
  op10: UnaryFunction<NonNullable<I>, J>,
  op11: UnaryFunction<NonNullable<J>, K>,
): K;
export function pipe<S extends Source<unknown>, A, B, C, D, E, F, G, H, I, J, K, L>(
  source: S,
  op1: UnaryFunction<Source<SourceItem<S>>, A>,
  op2: UnaryFunction<NonNullable<A>, B>,
  op3: UnaryFunction<NonNullable<B>, C>,
  op4: UnaryFunction<NonNullable<C>, D>,
  op5: UnaryFunction<NonNullable<D>, E>,
  op6: UnaryFunction<NonNullable<E>, F>,
  op7: UnaryFunction<NonNullable<F>, G>,
  op8: UnaryFunction<NonNullable<G>, H>,
  op9: UnaryFunction<NonNullable<H>, I>,
  op10: UnaryFunction<NonNullable<I>, J>,
  op11: UnaryFunction<NonNullable<J>, K>,
  op12: UnaryFunction<NonNullable<K>, L>,
): L;
export function pipe<S extends Source<unknown>, A, B, C, D, E, F, G, H, I, J, K, L, M>(
  source: S,
  op1: UnaryFunction<Source<SourceItem<S>>, A>,
  op2: UnaryFunction<NonNullable<A>, B>,
  op3: UnaryFunction<NonNullable<B>, C>,
  op4: UnaryFunction<NonNullable<C>, D>,
  op5: UnaryFunction<NonNullable<D>, E>,
  op6: UnaryFunction<NonNullable<E>, F>,
  op7: UnaryFunction<NonNullable<F>, G>,
  op8: UnaryFunction<NonNullable<G>, H>,
  op9: UnaryFunction<NonNullable<H>, I>,
  op10: UnaryFunction<NonNullable<I>, J>,
  op11: UnaryFunction<NonNullable<J>, K>,
  op12: UnaryFunction<NonNullable<K>, L>,
  op13: UnaryFunction<NonNullable<L>, M>,
): M;
export function pipe<S extends Source<unknown>, A, B, C, D, E, F, G, H, I, J, K, L, M, N>(
  source: S,
  op1: UnaryFunction<Source<SourceItem<S>>, A>,
  op2: UnaryFunction<NonNullable<A>, B>,
  op3: UnaryFunction<NonNullable<B>, C>,
  op4: UnaryFunction<NonNullable<C>, D>,
  op5: UnaryFunction<NonNullable<D>, E>,
  op6: UnaryFunction<NonNullable<E>, F>,
  op7: UnaryFunction<NonNullable<F>, G>,
  op8: UnaryFunction<NonNullable<G>, H>,
  op9: UnaryFunction<NonNullable<H>, I>,
  op10: UnaryFunction<NonNullable<I>, J>,
  op11: UnaryFunction<NonNullable<J>, K>,
  op12: UnaryFunction<NonNullable<K>, L>,
  op13: UnaryFunction<NonNullable<L>, M>,
  op14: UnaryFunction<NonNullable<M>, N>,
): N;
export function pipe<S extends Source<unknown>, A, B, C, D, E, F, G, H, I, J, K, L, M, N, O>(
  source: S,
  op1: UnaryFunction<Source<SourceItem<S>>, A>,
  op2: UnaryFunction<NonNullable<A>, B>,
  op3: UnaryFunction<NonNullable<B>, C>,
  op4: UnaryFunction<NonNullable<C>, D>,
  op5: UnaryFunction<NonNullable<D>, E>,
  op6: UnaryFunction<NonNullable<E>, F>,
  op7: UnaryFunction<NonNullable<F>, G>,
  op8: UnaryFunction<NonNullable<G>, H>,
  op9: UnaryFunction<NonNullable<H>, I>,
  op10: UnaryFunction<NonNullable<I>, J>,
  op11: UnaryFunction<NonNullable<J>, K>,
  op12: UnaryFunction<NonNullable<K>, L>,
  op13: UnaryFunction<NonNullable<L>, M>,
  op14: UnaryFunction<NonNullable<M>, N>,
  op15: UnaryFunction<NonNullable<N>, O>,
): O;
export function pipe<S extends Source<unknown>, A, B, C, D, E, F, G, H, I, J, K, L, M, N, O, P>(
  source: S,
  op1: UnaryFunction<Source<SourceItem<S>>, A>,
  op2: UnaryFunction<NonNullable<A>, B>,
  op3: UnaryFunction<NonNullable<B>, C>,
  op4: UnaryFunction<NonNullable<C>, D>,
  op5: UnaryFunction<NonNullable<D>, E>,
  op6: UnaryFunction<NonNullable<E>, F>,
  op7: UnaryFunction<NonNullable<F>, G>,
  op8: UnaryFunction<NonNullable<G>, H>,
  op9: UnaryFunction<NonNullable<H>, I>,
  op10: UnaryFunction<NonNullable<I>, J>,
  op11: UnaryFunction<NonNullable<J>, K>,
  op12: UnaryFunction<NonNullable<K>, L>,
  op13: UnaryFunction<NonNullable<L>, M>,
  op14: UnaryFunction<NonNullable<M>, N>,
  op15: UnaryFunction<NonNullable<N>, O>,
  op16: UnaryFunction<NonNullable<O>, P>,
): P;
export function pipe(
  source: Source<unknown>,
  ...operators: [
    UnaryFunction<never, unknown>,
    UnaryFunction<never, unknown>,
    UnaryFunction<never, unknown>,
    UnaryFunction<never, unknown>,
    UnaryFunction<never, unknown>,
    UnaryFunction<never, unknown>,
    UnaryFunction<never, unknown>,
    UnaryFunction<never, unknown>,
    UnaryFunction<never, unknown>,
    UnaryFunction<never, unknown>,
    UnaryFunction<never, unknown>,
    UnaryFunction<never, unknown>,
    UnaryFunction<never, unknown>,
    UnaryFunction<never, unknown>,
    UnaryFunction<never, unknown>,
    UnaryFunction<never, unknown>,
    PipeTypedUpTo16Operators,
    ...unknown[],
  ]
): unknown;
export function pipe(source: Source<unknown>, ...operators: unknown[]): unknown {
  operators.forEach((operator, i) => {
    checkFunction('pipe', `operators[${String(i)}]`, operator);
  });
  if (operators.length === 0) return aclosing(source);
  // Consecutive option-less per-item operators (map, filter, take, ...) run as one stage: same contract, one promise
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
      result = fuse(result, run as [FusePart, ...FusePart[]]); // two or more here
    }
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
