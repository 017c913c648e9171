import { NO_ERROR, suppress } from './errors.js';
import type { Exit } from './exit.js';
import { acceptsFusion } from './operators/fused.js';
import type { DirectReader } from './protocol.js';
import { closeOwnedOnAbandon, ScopeState } from './scope-owned.js';
import type { Source } from './source.js';
import { StageBase, type Stage, type StageOptions } from './stage.js';
import { checkDuration, checkFunction, checkOptions, checkSignal, describe } from './validate.js';

/**
 * What a {@link scoped} body receives as its first argument.
 *
 * @example
 * ```ts
 * import { scoped, type Scope } from 'iterscope';
 *
 * const doubled = scoped(async function* ({ own, signal }: Scope, numbers: number[]) {
 *   console.log(signal.aborted); // false while the stream runs
 *   for await (const x of own(numbers)) yield x * 2;
 * });
 * for await (const x of doubled([1, 2])) console.log(x); // 2, 4
 * ```
 */
export interface Scope {
  /**
   * Register a stream the body reads (any source: an iterable, an async iterable, an
   * iterator, an iterscope stage) and read it through the stage this returns. When the
   * scoped stream stops, every owned stream is closed first: a read the body is parked on
   * settles at once (`done`; on an abort, the abort's reason), so the body's `for await`
   * ends and its `finally` runs. Own the outermost stream you read (the whole
   * `pipe(...)`), so that the close goes through all of it.
   *
   * @throws TypeError when `source` is not iterable.
   */
  own<T>(source: Source<T>): Stage<T>;
  /**
   * Aborts when the scoped stream stops for any reason: with the abort's own reason on an
   * abort, else with an `AbortError` naming the outcome. Hand it to `fetch` and the like.
   */
  readonly signal: AbortSignal;
}

/**
 * What {@link scoped} returns: call it like the generator function it wraps, without the
 * scope, to get a stage. With one source argument it is an operator for `pipe`.
 *
 * @example
 * ```ts
 * import { scoped, type ScopedFunction } from 'iterscope';
 *
 * const words: ScopedFunction<[text: string], string> = scoped(async function* ({ own }, text: string) {
 *   yield* own(text.split(' '));
 * });
 * for await (const w of words('a b')) console.log(w); // a, b
 * ```
 */
export type ScopedFunction<A extends unknown[], T> = (...args: A) => Stage<T>;

class ScopedStage<T> extends StageBase<T, T> {
  private readonly scope: ScopeState;
  /** The body's read that was in flight when the scope stopped failed: kept for return() (C5). */
  private bodyError: unknown = NO_ERROR;
  /** True from the stop until the body's cleanup has been collected. */
  private collecting = false;

  constructor(body: unknown, scope: ScopeState, options: StageOptions | undefined) {
    super('scoped', body, options);
    this.scope = scope;
    this.hasCleanup = true;
    // C7: the held value reaches the owned streams weakly and never this stage.
    (this.record.finalizers ??= []).push(closeOwnedOnAbandon(scope.refs, 'scoped'));
  }


  /**
   * C1: once the body runs, it decides what to do with the iterators it was handed (own
   * them, or wrap them in a stage that closes them); until then, the scope closes them.
   */
  protected override readSource(source: AsyncIterator<T>, reader?: DirectReader): unknown {
    this.scope.handed.clear(); // empty after the first read: nothing adds to it once the body runs
    return super.readSource(source, reader);
  }

  /** C4: the owned streams close first; that is what lets a parked body run its `finally`. */
  protected override closeChildren(exit: Exit, deadlineAt: number): Promise<unknown> | typeof NO_ERROR {
    this.collecting = true;
    return this.scope.close(exit, deadlineAt, this.stageName);
  }

  /**
   * The body's read in flight when the scope stopped settled after the stage stopped
   * reading. Its error (the body's `finally` threw) is part of this close (C5); the
   * abort's own reason, rethrown by the body, is not an error.
   */
  protected override lateError(error: unknown): void {
    // The scope's signal carries the abort's own reason on an abort (closeReason), so
    // comparing with it covers both.
    const expected =
      error === this.scope.controller.signal.reason ||
      (error instanceof Error && error.name === 'AbortError');
    // C3: the abort's reason (also when an owner aborted this stage, which the base does
    // not see as its own abort) is how an aborted body ends, not a late error.
    if (expected) return;
    // C5: kept for return(), not reported as late: someone is waiting for this close.
    if (this.collecting) this.bodyError = suppress(error, this.bodyError);
    else super.lateError(error);
  }

  /** Runs after the body was closed (C4): hands over an error of its `finally` (C5). */
  protected override cleanup(): unknown {
    this.collecting = false;
    const error = this.bodyError;
    this.bodyError = NO_ERROR;
    if (error !== NO_ERROR) throw error;
    return undefined;
  }
}

/** An open iterator (a generator object, a stage): handed in, the scope closes it if the body never starts (C1). */
function isIterator(value: unknown): value is AsyncIterator<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { next?: unknown }).next === 'function';
}

/**
 * Turn an async generator function into one that returns an iterscope stage, and that can
 * be closed while it is parked on a stream it reads.
 *
 * JavaScript queues a generator's `return()` behind its pending `next()`, so a generator
 * parked in `for await` over a quiet upstream cannot be closed from outside: not by
 * `break`, not by a framework dropping it, not by `aclosing` around it. `scoped` gives the
 * body a scope: `body({ own, signal }, ...args)`. Streams the body reads through `own()`
 * belong to the scope, and when the scoped stage is closed, aborted or abandoned, it first
 * closes every one of them (C4): the read the body is parked on settles at once (`done`,
 * or on an abort the abort's reason), the body's `for await` ends, its `finally` runs,
 * and the close completes. `signal` aborts when the stage stops, for `fetch` and the like.
 *
 * The returned function takes the body's other arguments and returns a {@link Stage}, so it
 * works wherever a generator function does (a GraphQL subscription resolver, an SSE
 * handler) and, given the upstream as its one argument, as an operator in `pipe`. An open
 * iterator passed as an argument (the upstream in `pipe`) is closed if the stage is closed
 * before the body started (C1: the body never got to own it); read it through `own()`.
 *
 * Errors (C5): owned streams that fail to close, and an error thrown by the body's
 * `finally`, reach `return()` (several as an `AggregateError`, a later one attached to an
 * earlier as a `SuppressedError`). An abandoned scoped stage (C7) is reported, and owned
 * streams are closed by the safety net. A body parked on something it neither owns nor
 * ends on `signal` is waited for up to `closeTimeout`, then reported as a straggler (C2).
 *
 * @param body - An async generator function; its first parameter is the {@link Scope}.
 * @param options - `signal` (abort every stage this function returns) and `closeTimeout`
 * (how long a close waits for the owned streams and the body, in ms).
 * @returns A function with the body's parameters after the scope, returning a stage.
 * @throws TypeError at the call when `body` is not a function or an option has the wrong
 * type; RangeError for a negative `closeTimeout`. The returned function throws a
 * TypeError when `body` returns something that is not an async iterator.
 * @example
 * ```ts
 * import { setTimeout as sleep } from 'node:timers/promises';
 * import { scoped } from 'iterscope';
 *
 * async function* quietUpstream(signal: AbortSignal) {
 *   try {
 *     yield 'first';
 *     await sleep(60_000, undefined, { signal }); // a stalled network read
 *     yield 'late';
 *   } finally {
 *     console.log('upstream closed');
 *   }
 * }
 *
 * const resolver = scoped(async function* ({ own, signal }) {
 *   try {
 *     for await (const token of own(quietUpstream(signal))) yield token;
 *   } finally {
 *     console.log('resolver finally');
 *   }
 * });
 *
 * const stream = resolver();
 * console.log(await stream.next()); // { done: false, value: 'first' }
 * const pending = stream.next(); // parked on the quiet upstream
 * await stream.return(); // prints 'upstream closed', then 'resolver finally', at once
 * console.log(await pending); // { done: true, value: undefined }
 * ```
 * @example As an operator in pipe, with the upstream as the body's argument
 * ```ts
 * import { pipe, scoped, take, type Source } from 'iterscope';
 *
 * const pairs = scoped(async function* ({ own }, source: Source<number>) {
 *   let previous: number | undefined;
 *   for await (const x of own(source)) {
 *     if (previous !== undefined) yield [previous, x] as const;
 *     previous = x;
 *   }
 * });
 * for await (const pair of pipe([1, 2, 3, 4], pairs, take(2))) console.log(pair); // [1, 2], [2, 3]
 * ```
 */
export function scoped<A extends unknown[], T>(
  body: (scope: Scope, ...args: A) => AsyncIterator<T, unknown, undefined> | AsyncIterable<T>,
  options?: StageOptions,
): ScopedFunction<A, T> {
  // C10: everything is checked here, not at the first call or the first next().
  checkFunction('scoped', 'body', body);
  checkOptions('scoped', options);
  if (options?.signal !== undefined) checkSignal('scoped', 'options.signal', options.signal);
  if (options?.closeTimeout !== undefined) checkDuration('scoped', 'options.closeTimeout', options.closeTimeout);
  const closeTimeout = options?.closeTimeout;
  return acceptsFusion((...args: A): Stage<T> => {
    const state = new ScopeState(closeTimeout);
    for (const arg of args) if (isIterator(arg)) state.handed.add(arg);
    const scope: Scope = {
      own: <U>(source: Source<U>): Stage<U> => state.own<U>(source),
      signal: state.controller.signal,
    };
    const iterator: unknown = body(scope, ...args);
    if (!isIterator(iterator) && typeof (iterator as { [Symbol.asyncIterator]?: unknown } | null | undefined)?.[Symbol.asyncIterator] !== 'function') {
      throw new TypeError(
        `scoped: expected \`body\` to return an async iterator (write it as an async function*), got ${describe(iterator)}.`,
      );
    }
    return new ScopedStage<T>(iterator, state, options);
  });
}
