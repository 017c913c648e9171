/**
 * C5: no error lost. The error types iterscope throws and the rules for combining a
 * cleanup error with the error that was already on its way to the consumer.
 */

/**
 * An error thrown by a cleanup while another error was already on its way (C5), shaped like
 * the native `SuppressedError` of `await using`.
 *
 * @example
 * ```ts
 * import { SuppressedError } from 'iterscope';
 * const err: SuppressedError = new SuppressedError(new Error('later'), new Error('earlier'));
 * console.log(err.name, (err.error as Error).message); // 'SuppressedError' 'later'
 * ```
 */
export interface SuppressedError extends Error {
  /** The later error: the one the cleanup threw. */
  readonly error: unknown;
  /** The earlier error, which the consumer would have seen without cleanup. */
  readonly suppressed: unknown;
}

/**
 * The constructor of {@link SuppressedError}: `new SuppressedError(error, suppressed, message?)`.
 *
 * @example
 * ```ts
 * import { SuppressedError, type SuppressedErrorConstructor } from 'iterscope';
 * const Ctor: SuppressedErrorConstructor = SuppressedError;
 * console.log(new Ctor(1, 2).suppressed); // 2
 * ```
 */
export interface SuppressedErrorConstructor {
  /** Build one: `error` is the later (cleanup) error, `suppressed` the earlier one. */
  new (error: unknown, suppressed: unknown, message?: string): SuppressedError;
  /** The prototype shared by every instance. */
  readonly prototype: SuppressedError;
}

/**
 * The ponyfill used where the runtime has no `SuppressedError` (Node 20). It matches the
 * shape of the native one (`name`, `error`, `suppressed`) so `err.name === 'SuppressedError'`
 * works everywhere, and it never touches `globalThis`.
 */
class SuppressedErrorPonyfill extends Error {
  readonly error: unknown;
  readonly suppressed: unknown;
  constructor(error: unknown, suppressed: unknown, message = 'An error was suppressed during cleanup.') {
    super(message);
    this.error = error;
    this.suppressed = suppressed;
  }
}
Object.defineProperty(SuppressedErrorPonyfill.prototype, 'name', {
  value: 'SuppressedError',
  writable: true,
  configurable: true,
  enumerable: false,
});

const nativeSuppressedError = (globalThis as { SuppressedError?: SuppressedErrorConstructor })
  .SuppressedError;

/**
 * The runtime's `SuppressedError` where it has one (Node 24, Bun, Deno), else a ponyfill
 * with the same shape. iterscope throws it when a cleanup error happens while another
 * error is already on its way to the consumer, the way `await using` does: `error` is the
 * cleanup error (the later one), `suppressed` the earlier one.
 *
 * Test for it with `err.name === 'SuppressedError'` or `err instanceof SuppressedError`
 * (with this export); the global is never patched.
 *
 * @example
 * ```ts
 * import { pipe, map, withCleanup, SuppressedError } from 'iterscope';
 *
 * const stream = pipe(
 *   [1, 2, 3],
 *   withCleanup(() => { throw new Error('cleanup failed'); }),
 *   map((x) => { if (x === 2) throw new Error('bad item'); return x; }),
 * );
 * try {
 *   for await (const x of stream) console.log(x);
 * } catch (err) {
 *   if (err instanceof SuppressedError) {
 *     console.log((err.error as Error).message);      // 'cleanup failed'
 *     console.log((err.suppressed as Error).message); // 'bad item'
 *   }
 * }
 * ```
 */
export const SuppressedError: SuppressedErrorConstructor =
  nativeSuppressedError ?? (SuppressedErrorPonyfill);


/**
 * Marks "no error" in places where `undefined` could itself be a thrown value. C11: a
 * stage's close resolves to it across copies of iterscope, so it is registered and
 * versioned like the stage protocol's keys (stage.ts).
 * @internal
 */
export const NO_ERROR: unique symbol = Symbol.for('iterscope.noError.v1');
/** @internal */
export type MaybeError = unknown;

/**
 * Attach a cleanup error to the error the consumer would have seen without cleanup
 * (`await using` semantics). Either side may be {@link NO_ERROR}.
 * @internal
 */
export function suppress(later: unknown, earlier: unknown): unknown {
  if (later === NO_ERROR) return earlier;
  if (earlier === NO_ERROR) return later;
  return new SuppressedError(later, earlier);
}

/**
 * Several siblings failed to close at the same time (merge, zip, flatMap inners): one
 * `AggregateError`, in the order the siblings were given. One failure stays itself.
 * @internal
 */
export function aggregate(errors: readonly unknown[], message: string): unknown {
  const failed = errors.filter((e) => e !== NO_ERROR);
  if (failed.length === 0) return NO_ERROR;
  if (failed.length === 1) return failed[0];
  return new AggregateError(failed, message);
}

/**
 * The error `timeout(ms)` rejects with when an item takes longer than `ms` to arrive. Its
 * `name` is `'TimeoutError'` (as for `AbortSignal.timeout()`) and its `code` is
 * `'ITERSCOPE_TIMEOUT'`; both are stable, so test with either.
 *
 * @example
 * ```ts
 * import { pipe, timeout, TimeoutError } from 'iterscope';
 *
 * async function* slow() { yield 1; await new Promise((r) => setTimeout(r, 200)); yield 2; }
 * try {
 *   for await (const x of pipe(slow(), timeout(50, { closeTimeout: 10 }))) console.log(x); // 1
 * } catch (err) {
 *   if (err instanceof TimeoutError) console.log(err.code, err.ms); // 'ITERSCOPE_TIMEOUT' 50
 * }
 * ```
 */
export class TimeoutError extends Error {
  /** Stable machine-readable code. */
  readonly code = 'ITERSCOPE_TIMEOUT';
  /** The limit that was exceeded, in milliseconds. */
  readonly ms: number;
  /**
   * @param ms - The limit that was exceeded.
   * @param message - Defaults to a message naming the limit.
   */
  constructor(ms: number, message = `No item arrived within ${String(ms)} ms.`) {
    super(message);
    this.ms = ms;
  }
}
Object.defineProperty(TimeoutError.prototype, 'name', {
  value: 'TimeoutError',
  writable: true,
  configurable: true,
  enumerable: false,
});

/**
 * C7: V8 keeps an error's stack frames, each with its `this`, until the stack is first
 * read; an error made inside a stage (a close reason) or thrown from a callback it called
 * has the stage among them. Reading the stack once turns it into a string, so an error
 * kept somewhere long-lived (the safety net's record, a source that stores its signal's
 * reason) does not keep the stage alive. Returns the error.
 * @internal
 */
export function releaseFrames<E>(error: E): E {
  if (typeof error === 'object' && error !== null) Reflect.get(error, 'stack'); // reading it is the point
  return error;
}

/**
 * C7: make an error with no stack frames at all (`Error.stackTraceLimit` 0 while it is
 * made), for errors iterscope creates inside a stage: V8 runtimes differ in when they let
 * go of a stack's frames (Deno keeps them after the stack was read), and a frame's `this`
 * is often the stage.
 * @internal
 */
export function withoutStack<E>(make: () => E): E {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return make();
  } finally {
    Error.stackTraceLimit = limit;
  }
}
