/**
 * C5 and C7: what JavaScript would drop, iterscope reports. One hook receives every report;
 * with no listener, reports become process warnings (or console warnings off Node), so they
 * are never silent.
 */
import { runtime } from './runtime.js';
import { describe } from './validate.js';

/**
 * Something iterscope could not hand to the consumer as a thrown error.
 *
 * - `straggler`: a source (or a cleanup) was still closing when the close deadline
 *   passed (C2); the stage stopped waiting and the close goes on in the background.
 * - `late-error`: an error arrived when nobody was waiting for it any more: a straggler
 *   failed after the deadline, or a source rejected a read after the stream was closed
 *   (an abort's own reason, and errors named `AbortError`, are expected and not reported).
 * - `cleanup-error`: a close failed and nobody was waiting for it (after an abort), or
 *   the consumer called `return()`/`throw()` itself: `for await` discards the
 *   rejection of `return()` when the loop body threw, so the error is reported as well
 *   as thrown.
 * - `abandoned`: a stage was garbage-collected unfinished and unclosed (C7); `createdAt`
 *   is the stack where it was created when leak tracking is on.
 *
 * @example
 * ```ts
 * import { onReport, type Report } from 'iterscope';
 *
 * const stop = onReport((report: Report) => {
 *   console.warn(`[iterscope] ${report.type} in ${report.stage}`);
 * });
 * stop();
 * ```
 */
export type Report =
  | {
      /** A close was still running at the close deadline (C2). */
      readonly type: 'straggler';
      /** The stage that stopped waiting (`map`, `aclosing`, ...). */
      readonly stage: string;
      /** How long it waited, in milliseconds. */
      readonly waitedMs: number;
    }
  | {
      /** An error that arrived after nobody was waiting for it (C5). */
      readonly type: 'late-error';
      /** The stage that received it. */
      readonly stage: string;
      /** The error, as thrown. */
      readonly error: unknown;
    }
  | {
      /** A close failed where JavaScript could drop the error (C5). */
      readonly type: 'cleanup-error';
      /** The stage whose close failed. */
      readonly stage: string;
      /** The error, as thrown (a `SuppressedError` or `AggregateError` when several). */
      readonly error: unknown;
    }
  | {
      /** A stage was garbage-collected unfinished and unclosed (C7). */
      readonly type: 'abandoned';
      /** The outermost stage of the abandoned stream. */
      readonly stage: string;
      /** The stack where the stage was created, when leak tracking is on. */
      readonly createdAt: string | undefined;
    };

/**
 * Receive every {@link Report}. Returns a function that removes the listener. While at
 * least one listener is registered, reports are not printed as warnings.
 *
 * A listener that throws is ignored (its error is printed) so one bad listener cannot
 * hide reports from the others.
 *
 * @param listener - Called synchronously with each report.
 * @returns A function that unsubscribes `listener`.
 * @example
 * ```ts
 * import { onReport, pipe } from 'iterscope';
 *
 * const reports: unknown[] = [];
 * const stop = onReport((r) => reports.push(r));
 * // ... run pipelines ...
 * stop();
 * ```
 */
export function onReport(listener: (report: Report) => void): () => void {
  if (typeof listener !== 'function') {
    throw new TypeError(`onReport: expected \`listener\` to be a function, got ${describe(listener)}.`);
  }
  runtime.listeners.add(listener);
  return () => {
    runtime.listeners.delete(listener);
  };
}

/** Deliver a report to every listener, or print it when nobody listens. @internal */
export function report(entry: Report): void {
  if (runtime.listeners.size === 0) {
    warn(entry);
    return;
  }
  for (const listener of [...runtime.listeners]) {
    try {
      listener(entry);
    } catch (err) {
      console.error('iterscope: a report listener threw', err);
    }
  }
}

function warn(entry: Report): void {
  const message = formatReport(entry);
  const proc = (globalThis as { process?: { emitWarning?: (m: string, o: object) => void } }).process;
  if (typeof proc?.emitWarning === 'function') {
    proc.emitWarning(message, { type: 'IterscopeWarning', code: `ITERSCOPE_${entry.type.toUpperCase().replace('-', '_')}` });
  } else {
    console.warn(message);
  }
}

function formatReport(entry: Report): string {
  switch (entry.type) {
    case 'straggler':
      return `${entry.stage}: a source was still closing after ${String(entry.waitedMs)} ms; it goes on closing in the background.`;
    case 'late-error':
      return `${entry.stage}: an error arrived when nobody was waiting for it any more: ${String(entry.error)}`;
    case 'cleanup-error':
      return `${entry.stage}: closing failed: ${String(entry.error)}`;
    case 'abandoned':
      return `${entry.stage} was garbage-collected without being finished or closed.${
        entry.createdAt === undefined ? ' Turn on leak tracking to see where it was created.' : `\nCreated at:\n${entry.createdAt}`
      }`;
  }
}
