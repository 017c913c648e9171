/**
 * C2: `return()` never waits past the pipeline's close deadline. A close still running at
 * the deadline is left to finish in the background and reported (C5): never silently,
 * never hanging forever.
 */
import { NO_ERROR } from './errors.js';
import { report } from './report.js';

/**
 * Wait for `closing` (which resolves to a cleanup error or NO_ERROR and never rejects)
 * until `deadlineAt` (a `performance.now()` time). At the deadline, resolve NO_ERROR and
 * report a straggler; if the close fails later, report that error too.
 */
export function settleByDeadline(closing: Promise<unknown>, deadlineAt: number, stage: string): Promise<unknown> {
  if (deadlineAt === Infinity) return closing;
  return new Promise((resolve) => {
    let timedOut = false;
    const started = performance.now();
    const timer = setTimeout(
      () => {
        timedOut = true;
        report({ type: 'straggler', stage, waitedMs: Math.round(performance.now() - started) });
        resolve(NO_ERROR);
      },
      Math.max(0, deadlineAt - started),
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
  return Promise.resolve(result).then(
    () => NO_ERROR,
    (err: unknown) => err,
  );
}
