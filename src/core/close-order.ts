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
 * `closed` runs once the last phase has settled. A phase that is SKIPPED costs no tick: a
 * close with nothing to wait for completes within this call.
 * @internal
 */
export async function closeInOrder<H>(
  host: H,
  phases: readonly ClosePhase<H>[],
  request: CloseRequest,
  closed: () => void,
): Promise<unknown> {
  let error: unknown = NO_ERROR;
  for (const phase of phases) {
    const result = phase.run(host, request);
    if (result === SKIPPED) continue;
    error = suppress(await result, error);
  }
  closed();
  return error;
}
