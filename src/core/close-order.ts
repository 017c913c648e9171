/**
 * C4: the order a stage closes in, as data. A stage's close is a list of phases: what it
 * opened last is closed first (nested and sibling iterators, then its source, then its own
 * cleanup). Each phase starts once the one before has settled, or its deadline passed (each
 * phase applies the deadline itself, C2); their errors combine in that order (C5: a later
 * error carries the earlier one as `suppressed`).
 *
 * The list is the stage's (`StageBase`); this module only runs it, so the order can be read
 * in one place and changed without touching the control flow.
 */
import { NO_ERROR, suppress } from './errors.js';
import type { Exit } from './exit.js';

/** What a phase returns when it has nothing to do for this close (not awaited). @internal */
export const SKIPPED = Symbol('iterscope.close.skipped');

/** One close of a stage: why, until when, and whether its source is to be closed. @internal */
export interface CloseRequest {
  readonly exit: Exit;
  /** The absolute deadline (`performance.now()` time). */
  readonly deadlineAt: number;
  /** False when the source finished on its own (C1: never closed again). */
  readonly closeSource: boolean;
}

/** One phase of a close. @internal */
export interface ClosePhase<H> {
  /** What the phase closes, for the reader of the list. */
  readonly name: string;
  /** Start the phase: its error (or NO_ERROR), a promise of it, or SKIPPED. */
  run(host: H, request: CloseRequest): unknown;
}

/**
 * Run `phases` in order for `host` and resolve to the combined error (NO_ERROR if none).
 * A phase that is SKIPPED or NO_ERROR costs no tick: a close with nothing to wait for
 * completes within this call.
 *
 * Not an `async` function: a close runs once per stage, and on a chain of stages the
 * `async` frames were about two fifths of what closing allocated (V8's allocation sampler,
 * an eight-stage chain); on a machine where touching fresh memory pages is slow, those
 * bytes are what the slowest closes spend their time on. The one `then` per phase waited
 * for is the whole cost; the price is two more ticks for each further phase waited for in
 * the same close (its promise is adopted), which only stages with children or a cleanup of
 * their own have.
 * @internal
 */
export function closeInOrder<H>(host: H, phases: readonly ClosePhase<H>[], request: CloseRequest): Promise<unknown> {
  const outcome = runFrom(host, phases, request, 0, NO_ERROR);
  return outcome instanceof Promise ? outcome : Promise.resolve(outcome);
}

/** Run the phases from `first` on; `error` is what the ones before combined to. */
function runFrom<H>(host: H, phases: readonly ClosePhase<H>[], request: CloseRequest, first: number, error: unknown): unknown {
  for (let i = first; i < phases.length; i++) {
    // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- i < phases.length
    const result = phases[i]!.run(host, request);
    if (result === SKIPPED || result === NO_ERROR) continue;
    return waitFor(result, host, phases, request, i + 1, error);
  }
  return error; // past the last phase
}

/**
 * The next phase starts once this one has settled (C4). Phases resolve to their error and
 * never reject (a stage of another copy is held to that in protocol.ts); were one to
 * reject, the rejection is its error rather than a close that never settles.
 *
 * A function of its own, not a closure made in `runFrom`'s loop: a loop whose body makes a
 * closure over its variable gets a fresh context on every turn, taken or not, and down a
 * chain that was about a fifth of what each stage's close allocated (V8's allocation sampler).
 */
function waitFor<H>(result: unknown, host: H, phases: readonly ClosePhase<H>[], request: CloseRequest, next: number, error: unknown): Promise<unknown> {
  const settled = (phaseError: unknown): unknown => runFrom(host, phases, request, next, suppress(phaseError, error));
  return Promise.resolve(result).then(settled, settled);
}
