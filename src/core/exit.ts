import { withoutStack } from './errors.js';

/**
 * How a stream ended, as seen by one stage. `withCleanup` receives it, `traced`
 * records it as `iterscope.outcome`.
 *
 * - `completed`: the source reported `done`, or the stage finished early on its own
 *   terms (`take` reached its count).
 * - `error`: the source's `next()` rejected, the stage's own callback threw, or the
 *   consumer called `throw(error)`.
 * - `cancelled`: the consumer closed the stream (`return()`, `break`) or a stage
 *   downstream stopped reading.
 * - `aborted`: an `AbortSignal` fired; `reason` is `signal.reason`, the same object. An
 *   abort stays an abort all the way up: every stage above the one that received the
 *   signal ends `aborted` with the same reason, and a source whose `next()` rejects with an
 *   error named `AbortError` (or with the reason of a signal iterscope handed it) ended by
 *   abort, with that error as the reason (the consumer still receives the rejection).
 * - `abandoned`: the stage was garbage-collected without finishing or being closed.
 *
 * Abort versus end: a stage's exit is decided once. If the stage was already stopping on
 * its own (`completed` or `error`) when an abort arrives, its exit stays that; only a
 * `next()` still unanswered is rejected with the abort's reason (an error that loses that
 * race is reported as `late-error`).
 *
 * @example
 * ```ts
 * import { pipe, withCleanup, type Exit } from 'iterscope';
 *
 * const seen: Exit[] = [];
 * for await (const x of pipe([1, 2, 3], withCleanup((exit) => { seen.push(exit); }))) {
 *   if (x === 2) break;
 * }
 * console.log(seen); // [{ outcome: 'cancelled' }]
 * ```
 */
export type Exit =
  | {
      /** The source reported `done`, or the stage finished on its own terms. */
      readonly outcome: 'completed';
    }
  | {
      /** The source failed, the stage's callback threw, or the consumer called `throw()`. */
      readonly outcome: 'error';
      /** The error, as thrown. */
      readonly error: unknown;
    }
  | {
      /** The consumer (or a stage downstream) stopped reading. */
      readonly outcome: 'cancelled';
    }
  | {
      /** An `AbortSignal` fired, here or in a stage below; or a source rejected with an `AbortError`. */
      readonly outcome: 'aborted';
      /** `signal.reason`, the same object (or the source's `AbortError`). */
      readonly reason: unknown;
    }
  | {
      /** The stage was garbage-collected unfinished and unclosed (C7). */
      readonly outcome: 'abandoned';
    };

/**
 * The name of an {@link Exit}: `completed`, `error`, `cancelled`, `aborted` or `abandoned`.
 *
 * @example
 * ```ts
 * import type { Outcome } from 'iterscope';
 * const outcome: Outcome = 'cancelled';
 * ```
 */
export type Outcome = Exit['outcome'];

/** @internal */
export const COMPLETED: Exit = Object.freeze({ outcome: 'completed' });
/** @internal */
export const CANCELLED: Exit = Object.freeze({ outcome: 'cancelled' });
/** @internal */
export const ABANDONED: Exit = Object.freeze({ outcome: 'abandoned' });

/**
 * The exit a stage passes to its own source when it stops reading early. The source did
 * nothing wrong, so it is `cancelled`, unless the whole chain is being aborted: then the
 * abort (and its reason) travels down so that every stage reports `aborted`, or the
 * consumer abandoned the chain: the safety net closes what is still alive as `abandoned` (C7).
 * @internal
 */
export function exitForSource(exit: Exit): Exit {
  return exit.outcome === 'aborted' || exit.outcome === 'abandoned' ? exit : CANCELLED;
}

/**
 * C3: the reason the close signal aborts with. An abort passes its own reason, that exact
 * object; any other stop an `AbortError` naming the stage and the outcome, so a source that
 * rejects with it is recognised as stopped (never reported) and a person reading it knows
 * which stage stopped and why.
 */
export function closeReason(stage: string, exit: Exit): unknown {
  if (exit.outcome === 'aborted') return exit.reason;
  // C7: made inside a stage, its stack would hold the stage (see releaseFrames in
  // errors.ts); it has none: the message says which stage stopped and why, the frames would add nothing.
  return withoutStack(() => new DOMException(`iterscope: ${stage} stopped (${exit.outcome})`, 'AbortError'));
}
