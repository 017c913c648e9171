/**
 * C2: `return()` never waits past the pipeline's close deadline. A close still running at
 * the deadline is left to finish in the background and reported (C5): never silently,
 * never hanging forever.
 */
import { NO_ERROR } from './errors.js';
import { report } from './report.js';

/**
 * The latest clock reading taken through `now()`: on a monotonic clock, never later than
 * any reading to come.
 */
let floor = -Infinity;

/** `performance.now()`, remembered (see `deadlineWithin`). */
export function now(): number {
  const reading = performance.now();
  floor = reading;
  return reading;
}

/**
 * C2: the earlier of an owner's deadline and `timeout` ms from now: the deadline of a
 * stage its owner closes. The owner read the clock a moment ago to set its deadline, so
 * when `deadlineAt` is no later than that reading plus `timeout`, the stage's own deadline
 * cannot come first and the clock is not read again: down a chain of stages whose
 * closeTimeout is no shorter than their owner's, the stages read it once between them,
 * not once each (the close of a source that is no stage, and a cleanup, still read it for
 * their timer). On Node 20 each reading allocates, and closing is the path whose bytes
 * count (close-order.ts). A reading later than `deadlineAt` (a clock that went back, as
 * fake timers do) is not trusted.
 */
export function deadlineWithin(deadlineAt: number, timeout: number): number {
  if (floor <= deadlineAt && deadlineAt <= floor + timeout) return deadlineAt;
  return Math.min(deadlineAt, now() + timeout);
}

/**
 * Wait for `closing` (which resolves to a cleanup error or NO_ERROR and never rejects)
 * until `deadlineAt` (a `performance.now()` time). At the deadline, resolve NO_ERROR and
 * report a straggler; if the close fails later, report that error too.
 */
export function settleByDeadline(closing: Promise<unknown>, deadlineAt: number, stage: string): Promise<unknown> {
  if (deadlineAt === Infinity) return closing;
  return new Promise((resolve) => {
    let timedOut = false;
    const started = now();
    const timer = setTimeout(
      () => {
        timedOut = true;
        report({ type: 'straggler', stage, waitedMs: Math.round(performance.now() - started) });
        resolve(NO_ERROR);
      },
      // Whole milliseconds: Node keeps one list of timers per duration, and a fraction
      // would make a list (and a place in its queue of lists) for every close.
      Math.max(0, Math.ceil(deadlineAt - started)),
    );
    void closing.then((outcome) => {
      if (!timedOut) {
        clearTimeout(timer);
        resolve(outcome);
      } else if (outcome !== NO_ERROR) {
        report({ type: 'late-error', stage, error: outcome });
      }
    });
  });
}

/** Run a close step that may throw or reject, as a promise of its error (or NO_ERROR). */
export function capture(step: () => unknown): Promise<unknown> {
  let result: unknown;
  try {
    result = step();
  } catch (err) {
    return Promise.resolve(err);
  }
  return Promise.resolve(result).then(noError, itsError);
}

// Made once: an arrow written in `capture` would be a new function on every close.
const noError = (): typeof NO_ERROR => NO_ERROR;
const itsError = (err: unknown): unknown => err;
