/**
 * The invariants, each a function of one recorded run. Each names the CONTRACT.md rule it
 * checks; a violation says what happened, to which node, at which tick.
 */
import { UncaughtException, type ConsumerCall, type ScenarioRun } from './run.js';
import { abandons } from './scenario.js';
import type { NodeRecord } from './timeline.js';

/**
 * The invariants `checkContract` checks.
 *
 * - `closed-once` (C1): every opened source is closed exactly once or finished; never
 *   closed after it finished, never read after it was closed; every instrumented stage's
 *   cleanup runs exactly once.
 * - `lazy-open` (C1/C3): an iterable source is not opened before the consumer's first
 *   `next()`, nor after an abort that came first.
 * - `prompt-settlement` (C2): a `next()` pending when `return()`/`throw()` is called
 *   settles with `done` within `settleTicks` ticks, without waiting for a parked source,
 *   or with an item decided before the close; concurrent `next()` calls are answered in order.
 * - `return-bounded` (C2): `return()`/`throw()` never waits on a parked source that was not
 *   asked to close (a generator running its own `finally` is closing); it settles once
 *   every close below has finished.
 * - `abort-reason` (C3): a `next()` pending at the abort rejects with `signal.reason`
 *   (that exact object) within `settleTicks` ticks; the first `next()` after an abort
 *   rejects with it (or reports done); sources given the signal see the same reason.
 * - `close-bounded` (C2): `return()`/`throw()`, and a `next()` pending at an abort, settle
 *   within `closeBound` milliseconds of real time, even when a source asked to close takes
 *   longer (iterscope's close deadline); waiting on such a source past the bound is a finding.
 * - `cleanup-order` (C4): a stage's cleanup starts after every source below it finished
 *   closing; `return()`, `throw()` and the final `next()` settle only after every opened
 *   source finished closing (siblings all awaited). Not checked for abandoned streams
 *   (the safety net's finalizers are synchronous, best effort).
 * - `no-error-lost` (C5): every error a source, callback or cleanup threw reaches the
 *   consumer (maybe inside a SuppressedError or AggregateError) or an `onReport` report;
 *   an error thrown in with `throw()` comes back out. A `return()` rejection that
 *   `for await` discards counts as handed on, except for iterscope stages (and `strict`).
 *   Not checked when the consumer abandons the stream (the abandonment report stands for
 *   what it held).
 * - `no-unhandled-rejection`: none while the scenario ran.
 * - `abandonment` (C7): an abandoned iterscope stage holding an open source is reported as
 *   `abandoned` once collected (needs `globalThis.gc`: run Node with `--expose-gc`).
 * - `timers-cleared` (C1/C7): once the scenario is over and everything has closed (or an
 *   abandoned stream was collected), the code under test leaves no `setTimeout` or
 *   `setInterval` running (Node: counted with `node:async_hooks`; elsewhere unchecked).
 * - `settles`: every call the consumer made settled, and the subject could be built.
 *
 * @example
 * ```ts
 * import type { InvariantName } from 'iterscope/testing';
 * const only: InvariantName[] = ['closed-once', 'cleanup-order'];
 * console.log(only.length);
 * ```
 */
export type InvariantName =
  | 'closed-once'
  | 'lazy-open'
  | 'prompt-settlement'
  | 'return-bounded'
  | 'close-bounded'
  | 'abort-reason'
  | 'cleanup-order'
  | 'no-error-lost'
  | 'no-unhandled-rejection'
  | 'abandonment'
  | 'timers-cleared'
  | 'settles';

/**
 * Every invariant, in the order they are checked.
 *
 * @example
 * ```ts
 * import { INVARIANTS } from 'iterscope/testing';
 * console.log(INVARIANTS.includes('closed-once')); // true
 * ```
 */
export const INVARIANTS: readonly InvariantName[] = [
  'settles',
  'closed-once',
  'lazy-open',
  'prompt-settlement',
  'return-bounded',
  'close-bounded',
  'abort-reason',
  'cleanup-order',
  'no-error-lost',
  'no-unhandled-rejection',
  'abandonment',
  'timers-cleared',
];

/**
 * One broken invariant in one scenario.
 *
 * @example
 * ```ts
 * import type { Violation } from 'iterscope/testing';
 * const v: Violation = { invariant: 'closed-once', message: 'source#0 was opened and never closed' };
 * console.log(`${v.invariant}: ${v.message}`);
 * ```
 */
export interface Violation {
  /** Which invariant (or the name of a custom check). */
  readonly invariant: InvariantName | (string & {});
  /** What happened. */
  readonly message: string;
}

/** Tuning of the checks. @internal */
export interface CheckSettings {
  readonly settleTicks: number;
  /**
   * iterscope-level checks: latency in ticks is a violation even when no parked source
   * was involved, and a redundant `return()` after the end is one too.
   */
  readonly strict: boolean;
  /** Milliseconds a close (or a next() pending at an abort) may take in real time. */
  readonly closeBound: number;
}

type Check = (run: ScenarioRun, settings: CheckSettings) => string[];

const isSource = (n: NodeRecord): boolean => n.kind === 'source';

/** Every node below a node that `from` selects. */
function below(run: ScenarioRun, from: (node: NodeRecord) => boolean): Set<NodeRecord> {
  const out = new Set<NodeRecord>();
  const visit = (node: NodeRecord): void => {
    for (const child of node.children) {
      if (out.has(child)) continue;
      out.add(child);
      visit(child);
    }
  };
  for (const node of run.timeline.nodes) if (from(node)) visit(node);
  return out;
}

/**
 * Nodes nobody can close: below an `async function*` stage that was closed before its
 * body started. The language skips the body, so the generator never closes what it was
 * handed (a limit of JavaScript, not of the stage that closed it).
 */
function unreachable(run: ScenarioRun): Set<NodeRecord> {
  return below(run, (node) => node.kind === 'stage' && !node.opened && node.returnCalls + node.throwCalls > 0);
}

const closedOnce: Check = (run, { strict }) => {
  const out: string[] = [];
  const abandoned = abandons(run.scenario.consumer.end) && run.abandonment !== undefined;
  const skipped = unreachable(run);
  for (const node of run.timeline.nodes) {
    if (!node.opened || skipped.has(node)) continue;
    if (node.returnCalls > 1) out.push(`${node.id} was closed ${String(node.returnCalls)} times`);
    // A redundant return() after the end is harmless to the source (it answers done); only
    // iterscope promises never to send one (strict).
    if (strict && node.closesAfterFinish > 0) out.push(`${node.id} was closed after it had finished (${node.finished ?? ''})`);
    if (node.readsAfterClose > 0) out.push(`${node.id} was read ${String(node.readsAfterClose)} time(s) after it was closed`);
    if (abandoned) continue;
    if (isSource(node)) {
      // A throw() forwarded to a generator completes it: that is its close.
      if (node.finished === undefined && node.returnCalls + node.throwCalls === 0) out.push(`${node.id} was opened and never closed (leaked)`);
    } else if (node.cleanupRuns !== 1) {
      out.push(`${node.id}'s cleanup ran ${String(node.cleanupRuns)} times`);
    }
  }
  return out;
};

const lazyOpen: Check = (run) => {
  const out: string[] = [];
  const first = run.firstNextSeq ?? Infinity;
  const abortSeq = run.abort?.seq ?? Infinity;
  const specs = run.scenario.sources;
  const sources = run.timeline.nodes.filter(isSource);
  sources.forEach((node, i) => {
    const spec = specs[i % Math.max(1, specs.length)];
    if (spec?.given === 'iterator' || !node.opened) return;
    const openSeq = run.timeline.events.find((e) => e.node === node.id && e.type === 'open')?.seq ?? Infinity;
    if (openSeq < first) out.push(`${node.id} (an iterable) was opened before the consumer's first next()`);
    else if (abortSeq < first && openSeq > abortSeq) out.push(`${node.id} was opened after the signal had aborted`);
  });
  return out;
};

const pendingAtClose = (run: ScenarioRun, by: 'return' | 'abort'): ConsumerCall[] =>
  run.calls.filter((c) => c.kind === 'next' && c.closedBy === by);

const promptSettlement: Check = (run, { settleTicks, strict }) => {
  const out: string[] = [];
  // C2: concurrent next() calls are answered in order.
  const nexts = run.calls.filter((c) => c.kind === 'next' && c.settledSeq !== undefined);
  for (let i = 1; i < nexts.length; i++) {
    const earlier = nexts[i - 1];
    const later = nexts[i];
    if (earlier?.settledSeq !== undefined && later?.settledSeq !== undefined && later.settledSeq < earlier.settledSeq) {
      out.push(`next() calls were answered out of order: the one called at tick ${String(later.calledTick)} settled (${later.outcome ?? ''}) before the one called at tick ${String(earlier.calledTick)}`);
      break;
    }
  }
  for (const call of pendingAtClose(run, 'return')) {
    const closed = call.closedTick ?? 0;
    if (!call.settled) continue; // reported by `settles`
    const took = (call.settledTick ?? 0) - closed;
    if (call.settledAfterRelease && took > settleTicks) {
      out.push(`a next() pending at the close (tick ${String(closed)}) settled only after a parked source was released`);
    } else if (took > settleTicks && strict) {
      // Without a parked source involved, ticks over the limit are the subject's own
      // overhead (a foreign library's promise chains): only iterscope promises a bound.
      out.push(`a next() pending at the close (tick ${String(closed)}) took ${String(took)} ticks to settle (limit ${String(settleTicks)})`);
    } else if (call.outcome === 'value' && took > 1 && (strict || !inHandAtClose(run, call))) {
      // An item already on its way when return() was called may still arrive (it crossed
      // the close); one that arrives later was read after the close. iterscope delivers
      // one within a tick (strict); a foreign library may take ticks of its own to hand
      // over an item it already held.
      out.push(`a next() pending at the close (tick ${String(closed)}) resolved with an item ${String(took)} ticks later instead of done`);
    }
  }
  return out;
};

/**
 * The item `call` got was already in the subject's hands when the close came: before it,
 * the sources had yielded at least as many items as the consumer has received up to and
 * including this one. Decided before the close, seen after it; an item read from a source
 * after the close is not.
 */
function inHandAtClose(run: ScenarioRun, call: ConsumerCall): boolean {
  const closedSeq = call.closedSeq ?? -Infinity;
  const settledSeq = call.settledSeq ?? Infinity;
  const sources = new Set(run.timeline.nodes.filter(isSource).map((n) => n.id));
  const yielded = run.timeline.events.filter((e) => e.type === 'yield' && e.seq < closedSeq && sources.has(e.node)).length;
  const received = run.calls.filter((c) => c.kind === 'next' && c.outcome === 'value' && (c.settledSeq ?? Infinity) <= settledSeq).length;
  return received <= yielded;
}

const returnBounded: Check = (run) => {
  const out: string[] = [];
  for (const release of run.releases) {
    if (release.pendingCloses.length === 0 || release.closesInProgress.length > 0) continue;
    const what = release.pendingCloses.map((c) => `${c.kind}() (called at tick ${String(c.calledTick)})`).join(', ');
    const never = release.parkedNodes.filter((id) => !release.finishedParkedNodes.includes(id));
    // A sync source's item is a promise of its own: the source may be done (or closed) while
    // the item it handed out still waits. No close can end that wait; return() must not join it.
    out.push(
      never.length > 0
        ? `${what} waited on a parked source (${never.join(', ')}) that was never asked to close`
        : `${what} waited on a parked item of ${release.finishedParkedNodes.join(', ')}, a source that had already finished or closed`,
    );
  }
  return out;
};

// C2: return() never later than the close deadline, whatever the sources below do.
const closeBounded: Check = (run, { closeBound }) => {
  const out: string[] = [];
  for (const call of run.calls) {
    const bounded = call.kind !== 'next' || call.closedBy === 'abort';
    if (!bounded || call.tookMs === undefined || call.tookMs <= closeBound) continue;
    const what = call.kind === 'next' ? 'a next() pending at the abort' : `${call.kind}() (called at tick ${String(call.calledTick)})`;
    out.push(`${what} took ${String(call.tookMs)} ms to settle (bound ${String(closeBound)} ms): it waited on a close below`);
  }
  return out;
};

const abortReason: Check = (run, { settleTicks, strict }) => {
  const abort = run.abort;
  if (abort === undefined) return [];
  const out: string[] = [];
  const pending = pendingAtClose(run, 'abort');
  for (const call of pending) {
    if (!call.settled) continue;
    // C3 rule 1: decided before the abort, seen after it: that answer stands.
    if ((call.settledSeq ?? Infinity) < abort.decidedBeforeSeq) continue;
    const took = (call.settledTick ?? 0) - abort.tick;
    if (call.outcome !== 'error') {
      out.push(`a next() still unsettled at the abort (tick ${String(abort.tick)}) resolved (${call.outcome ?? ''}) instead of rejecting with the reason`);
    } else if (call.error !== abort.reason) {
      out.push(`a next() still unsettled at the abort rejected with ${describeError(call.error)}, not the signal's reason`);
    }
    if (took > settleTicks && (strict || call.settledAfterRelease)) {
      out.push(`a next() pending at the abort (tick ${String(abort.tick)}) took ${String(took)} ticks to settle (limit ${String(settleTicks)})`);
    }
  }
  if (pending.length === 0) {
    const finishedBefore = run.calls.some(
      (c) => c.kind !== 'next' || (c.settledSeq !== undefined && c.settledSeq < abort.seq && c.outcome !== 'value'),
    );
    const after = run.calls.find((c) => c.kind === 'next' && c.calledSeq > abort.seq);
    if (!finishedBefore && after?.settled === true) {
      if (after.outcome === 'value') out.push('the first next() after the abort resolved with an item');
      else if (after.outcome === 'error' && after.error !== abort.reason) {
        out.push(`the first next() after the abort rejected with ${describeError(after.error)}, not the signal's reason`);
      }
    }
  }
  const behindGenerator = below(run, (n) => n.blocksSignal);
  for (const node of run.timeline.nodes) {
    if (!node.gotSignal || node.signalAbortSeq === undefined) continue;
    // C3 rule 3: a signal that fired before the abort told the source of an earlier stop
    // (the stream ended, the consumer closed): an AbortError, not the abort's reason.
    if (node.signalAbortSeq < abort.seq) {
      if (!isAbortNamed(node.signalReason)) {
        out.push(`${node.id} was handed a signal that fired before the abort with ${describeError(node.signalReason)}, not an AbortError`);
      }
    } else if (node.signalReason !== abort.reason) {
      // Below an `async function*` stage the abort arrives as that generator's close.
      if (behindGenerator.has(node) && isAbortNamed(node.signalReason)) continue;
      out.push(`${node.id} was handed a signal whose reason is not the abort's reason`);
    }
  }
  return out;
};

function isAbortNamed(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'AbortError';
}

const cleanupOrder: Check = (run) => {
  const out: string[] = [];
  // The safety net's finalizers are synchronous and best effort (C7): on abandonment a
  // cleanup cannot wait for the source's close, so the order is not checked then.
  if (abandons(run.scenario.consumer.end) && run.abandonment !== undefined) return out;
  const straggled = run.reports.some((r) => r.type === 'straggler');
  for (const node of run.timeline.nodes) {
    // After an abort, an `async function*` stage's read is rejected at once by a stage
    // below it (C3) and its `finally` runs while that stage closes in the background:
    // the language's order, not a stage's cleanup (C4 binds stages, not user generators).
    if (node.blocksSignal && !node.lends && run.abort !== undefined) continue;
    // The owner of a borrow closes what it lent from inside its cleanup: that close must
    // be over before the cleanup ends, it cannot be before it starts.
    const start = node.kind !== 'stage' ? undefined : node.lends ? node.closeEndSeq : cleanupStartSeq(run, node);
    if (start === undefined) continue;
    for (const child of node.children) {
      if (!child.opened || child.closeStartSeq === undefined) continue; // finished, or never asked to close
      const end = child.closeEndSeq;
      if (end === undefined ? !straggled : end > start) {
        out.push(`${node.id}'s cleanup started before ${child.id} had finished closing`);
      }
    }
  }
  if (run.abort !== undefined) return out;
  const skipped = unreachable(run);
  // C2/C4: whoever waits for the end waits for every close below.
  for (const call of run.calls) {
    const final = call.kind !== 'next' || call.outcome === 'done' || call.outcome === 'error';
    if (!final || call.settledSeq === undefined) continue;
    if (call.kind === 'next' && call.closedBy !== undefined) continue;
    for (const node of run.timeline.nodes) {
      if (!node.opened || node.finished !== undefined || skipped.has(node)) continue;
      const closedAt = node.closeEndSeq;
      if (closedAt !== undefined && closedAt < call.settledSeq) continue;
      if (closedAt === undefined && node.kind === 'source' && node.returnCalls === 0 && call.kind === 'next') continue; // leak: closed-once says so
      if (straggled) continue;
      out.push(`${call.kind}() settled (${call.outcome ?? ''}) before ${node.id} had finished closing`);
      break;
    }
  }
  return out;
};

function cleanupStartSeq(run: ScenarioRun, node: NodeRecord): number | undefined {
  return run.timeline.events.find((e) => e.node === node.id && e.type === 'cleanup-start')?.seq;
}

/** Every error reachable from `error`: SuppressedError parts, AggregateError members, causes. */
function flatten(error: unknown, into: Set<unknown>): void {
  if (into.has(error)) return;
  into.add(error);
  if (typeof error !== 'object' || error === null) return;
  const e = error as { name?: unknown; error?: unknown; suppressed?: unknown; errors?: unknown; cause?: unknown };
  if (e.name === 'SuppressedError') {
    flatten(e.error, into);
    flatten(e.suppressed, into);
  }
  if (Array.isArray(e.errors)) for (const inner of e.errors) flatten(inner, into);
  if (e.cause !== undefined) flatten(e.cause, into);
}

const noErrorLost: Check = (run, { strict }) => {
  const surfaced = new Set<unknown>();
  // `for await` discards the rejection of the return() it sends when the loop body threw
  // (IteratorClose with a throw completion): an error in it was handed on, and the language
  // dropped it. Only an iterscope stage has a second channel, onReport (C5), so only a
  // stage (or strict) must still get it out.
  const handedOn = (call: ConsumerCall): boolean => !call.dropsError || (!strict && !run.subjectIsStage);
  for (const call of run.calls) if (call.outcome === 'error' && handedOn(call)) flatten(call.error, surfaced);
  for (const report of run.reports) if ('error' in report) flatten(report.error, surfaced);
  for (const error of run.timeline.handled) flatten(error, surfaced); // handled on purpose (retry, catchError)
  const out: string[] = [];
  // An abandoned stream takes the errors it held for its consumer (a read ahead, a
  // sibling's close error kept for the end) with it: the abandonment report (C7) is what
  // surfaces, so they are not checked here.
  if (abandons(run.scenario.consumer.end)) return out;
  for (const node of run.timeline.nodes) {
    for (const error of node.thrown) {
      if (!surfaced.has(error)) out.push(`${describeError(error)} was lost: it reached neither the consumer nor onReport`);
    }
  }
  // A subject without throw() gets return() instead (what yield* does): nothing to bring back.
  for (const error of run.hasThrow ? run.consumerErrors : []) {
    const back = run.calls.some((c) => c.kind === 'throw' && c.outcome === 'error' && flattenHas(c.error, error));
    if (!back) out.push('the error passed to throw() did not come back to the consumer');
  }
  return out;
};

function flattenHas(error: unknown, wanted: unknown): boolean {
  const set = new Set<unknown>();
  flatten(error, set);
  return set.has(wanted);
}

const noUnhandled: Check = (run) =>
  run.unhandled.map((reason) =>
    reason instanceof UncaughtException ? `uncaught exception (an 'error' event nobody listened to, or a throw outside any promise): ${describeError(reason.error)}` : `unhandled rejection: ${describeError(reason)}`,
  );

const abandonment: Check = (run) => {
  const a = run.abandonment;
  if (a === undefined || !a.expected || !a.gcAvailable || a.reported) return [];
  return ['the subject was abandoned holding an open source, collected, and never reported as abandoned'];
};

// C1: a stage stops the timer it started on every stop; C7: the safety net stops it when
// an abandoned stage is collected. A timer still running now keeps the process (and what
// its callback holds) alive for nothing.
const timersCleared: Check = (run) => {
  const left = run.timersLeft ?? 0;
  if (left === 0) return [];
  return [`${String(left)} timer(s) (setTimeout/setInterval) still running after the scenario ended and everything had closed`];
};

const settles: Check = (run) => [...run.problems];

const CHECKS: Record<InvariantName, Check> = {
  'settles': settles,
  'closed-once': closedOnce,
  'lazy-open': lazyOpen,
  'prompt-settlement': promptSettlement,
  'return-bounded': returnBounded,
  'close-bounded': closeBounded,
  'abort-reason': abortReason,
  'cleanup-order': cleanupOrder,
  'no-error-lost': noErrorLost,
  'no-unhandled-rejection': noUnhandled,
  'abandonment': abandonment,
  'timers-cleared': timersCleared,
};

/** Check one run against the chosen invariants. @internal */
export function checkRun(run: ScenarioRun, invariants: readonly InvariantName[], settings: CheckSettings): Violation[] {
  const out: Violation[] = [];
  for (const name of invariants) {
    for (const message of CHECKS[name](run, settings)) out.push({ invariant: name, message });
  }
  return out;
}

/** A short description of a thrown value for reports. @internal */
export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  if (typeof error === 'object' && error !== null) {
    try {
      return JSON.stringify(error);
    } catch {
      return 'an object';
    }
  }
  return String(error);
}
