/**
 * Runs one scenario: builds the subject over instrumented sources, plays the consumer
 * script against it while a supervisor advances the microtask clock, fires the abort,
 * releases parked steps once nothing else moves, and collects everything the invariants
 * need. No timers: every wait is counted in microtask ticks.
 */
import { onReport, type Report } from 'iterscope';
import { probe } from './probe.js';
import type { Scenario, SubjectInput } from './scenario.js';
import { randomSource, ticks } from './ticks.js';
import { macrotask, now, sleep, trackOutsideWork, type OutsideWork } from './event-loop.js';
import { NotAsyncSubject } from './validate-options.js';
import { Timeline, type NodeRecord } from './timeline.js';

/** One call the consumer made and how it settled. */
export interface ConsumerCall {
  readonly kind: 'next' | 'return' | 'throw';
  readonly calledSeq: number;
  readonly calledTick: number;
  settled: boolean;
  settledSeq: number | undefined;
  settledTick: number | undefined;
  outcome: 'value' | 'done' | 'error' | undefined;
  error: unknown;
  /** A `return()` made by `body-throw`: `for await` drops its rejection. */
  readonly dropsError: boolean;
  /** The close (return/throw/abort) that came while this next() was pending. */
  closedBy: 'return' | 'abort' | undefined;
  closedTick: number | undefined;
  /** `seq` of that close (the consumer's `return()`/`throw()`, or the abort). */
  closedSeq: number | undefined;
  /** It settled only after the harness released a parked step. */
  settledAfterRelease: boolean;
  /** Still pending when the consumer dropped the stream (`abandon-parked`). */
  abandoned: boolean;
  /** Wall-clock milliseconds from the call to its settlement (the close bound is in real time). */
  tookMs: number | undefined;
}

/** What the harness did when nothing moved any more and a step was parked. */
export interface Release {
  readonly tick: number;
  /** Consumer close calls pending at that moment. */
  readonly pendingCloses: readonly ConsumerCall[];
  /** Nodes whose close had begun and not ended. */
  readonly closesInProgress: readonly string[];
  /** Nodes with a parked step. */
  readonly parkedNodes: readonly string[];
  /** Those of them that had already finished or closed: a sync source's item still pending. */
  readonly finishedParkedNodes: readonly string[];
}

/** Everything observed in one run. */
export interface ScenarioRun {
  readonly scenario: Scenario;
  readonly timeline: Timeline;
  readonly calls: ConsumerCall[];
  readonly reports: Report[];
  readonly unhandled: unknown[];
  readonly releases: Release[];
  /** Why the run could not complete (the subject threw when built, a call hung, ...). */
  readonly problems: string[];
  /** The signal's abort, when it fired. */
  abort: { readonly tick: number; readonly seq: number; readonly reason: unknown; decidedBeforeSeq: number } | undefined;
  /** `seq` of the consumer's first next() call. */
  firstNextSeq: number | undefined;
  /** The consumer saw the end of the stream (done or a rejected next). */
  consumerFinished: boolean;
  /** The subject is an iterscope stage (its safety net applies). */
  subjectIsStage: boolean;
  /**
   * Set for `abandon` and `abandon-parked`: whether a report was expected, whether gc
   * could run, and whether a read was still parked when the stream was dropped.
   */
  abandonment: { readonly expected: boolean; readonly gcAvailable: boolean; reported: boolean; readonly whileParked: boolean } | undefined;
  /** Errors the consumer threw in (`throw()`), which must come back to it. */
  readonly consumerErrors: unknown[];
  /** The subject has a `throw()` method (without one, the consumer's throw becomes a `return()`). */
  hasThrow: boolean;
  /**
   * Timers (`setTimeout`/`setInterval`) the code under test left running once the scenario
   * was over and everything had closed; `undefined` when not looked at (not asked for, or
   * the run could not tell: see {@link timersLeftUnknown}).
   */
  timersLeft: number | undefined;
}

/** Tuning of one run. */
export interface RunSettings {
  readonly sourceCount: number;
  readonly idleTicks: number;
  /** Milliseconds a scenario may take before it is stopped and reported. */
  readonly timeLimit: number;
  /** Microtask hops after an abort within which an answer counts as decided before it. */
  readonly decidedHops: number;
  /** Run the collector after an abandonment (only when the `abandonment` invariant is checked: it is slow). */
  readonly collect: boolean;
  /** Count the timers left running at the end (the `timers-cleared` invariant). */
  readonly watchTimers: boolean;
}

/** What the pipeline builder gets besides the public input. @internal */
export interface BuildInternals {
  readonly scenario: Scenario;
  readonly timeline: Timeline;
  readonly random: (below: number) => number;
}

export type Build = (input: SubjectInput, internals: BuildInternals) => AsyncIterable<unknown> | AsyncIterator<unknown>;

const STAGE_MARK = Symbol.for('iterscope.stage.close.v1');
const MAX_DRAIN = 1_000;
/** Milliseconds a waiting consumer gets for timers and I/O before it is declared stuck. */
const OUTSIDE_GRACE_MS = 20;

type UnhandledSink = (reason: unknown) => void;
let unhandledSink: UnhandledSink | undefined;
let unhandledInstalled = false;
function onUnhandled(reason: unknown): void {
  unhandledSink?.(reason);
}
function onUncaught(error: unknown): void {
  unhandledSink?.(new UncaughtException(error));
}

/** An uncaught exception seen while a scenario ran, kept apart from unhandled rejections. @internal */
export class UncaughtException {
  constructor(readonly error: unknown) {}
}

/**
 * Listen for unhandled rejections while scenarios run (Node only). The process's other
 * listeners still see them: a test framework fails the file as well.
 */
export function watchUnhandled(): () => void {
  const proc = (globalThis as { process?: NodeJS.Process }).process;
  if (proc === undefined || typeof proc.on !== 'function' || unhandledInstalled) return () => undefined;
  unhandledInstalled = true;
  proc.on('unhandledRejection', onUnhandled);
  // An uncaught exception (an 'error' event nobody listens to, a throw in a timer) would
  // end the whole process: it becomes a violation of the scenario that caused it.
  proc.on('uncaughtException', onUncaught);
  return () => {
    unhandledInstalled = false;
    proc.off('unhandledRejection', onUnhandled);
    proc.off('uncaughtException', onUncaught);
  };
}

interface Holder {
  iterator: AsyncIterator<unknown> | undefined;
}

export async function runScenario(build: Build, scenario: Scenario, settings: RunSettings): Promise<ScenarioRun> {
  const timeline = new Timeline();
  const consumer = timeline.node('consumer', 'stage');
  const random = randomSource(scenario.seed);
  const controller = new AbortController();
  const run: ScenarioRun = {
    scenario,
    timeline,
    calls: [],
    reports: [],
    unhandled: [],
    releases: [],
    problems: [],
    abort: undefined,
    firstNextSeq: undefined,
    consumerFinished: false,
    subjectIsStage: false,
    abandonment: undefined,
    consumerErrors: [],
    hasThrow: false,
    timersLeft: undefined,
  };
  timeline.nodes.splice(timeline.nodes.indexOf(consumer), 1); // the consumer is not a node under test
  const stopReports = onReport((report) => run.reports.push(report));
  unhandledSink = (reason) => run.unhandled.push(reason);
  // Only timers and handles made from here on are the subject's.
  const outside = trackOutsideWork();
  try {
    await play(build, scenario, settings, run, timeline, consumer, random, controller, outside);
  } finally {
    outside.stop();
    stopReports();
    unhandledSink = undefined;
  }
  return run;
}

async function play(
  build: Build,
  scenario: Scenario,
  settings: RunSettings,
  run: ScenarioRun,
  timeline: Timeline,
  consumer: NodeRecord,
  random: (below: number) => number,
  controller: AbortController,
  outside: OutsideWork,
): Promise<void> {
  const outsideWork = outside.count;
  const specs = scenario.sources;
  let poolIndex = 0;
  const nextProbe = (): AsyncIterable<number> | Iterable<number | Promise<number>> => {
    const spec = specs[poolIndex % Math.max(1, specs.length)] ?? {};
    poolIndex++;
    return probe(spec, { timeline, seed: scenario.seed + poolIndex }).source;
  };
  const sources = Array.from({ length: settings.sourceCount }, nextProbe);
  const script = scenario.consumer;
  const holder: Holder = { iterator: undefined };

  try {
    // C7: built in a plain function, so no register of this async function ever holds
    // the subject (V8 may keep a dead one alive in a suspended frame); only `holder` does.
    buildInto(holder, run, () =>
      build({ source: sources[0] ?? nextProbe(), sources: [...sources], signal: controller.signal, probe: nextProbe }, { scenario, timeline, random }),
    );
    // The subject holds what it reads; the harness does not (C7: a dropped subject and
    // its sources must be collectable together).
    sources.length = 0;
  } catch (error) {
    if (error instanceof NotAsyncSubject) throw error;
    run.problems.push(`building the subject threw ${String(error)}`);
    return;
  }

  // ------------------------------------------------------------- supervisor
  let progress = 0;
  let stuck: (() => void) | undefined;
  const stuckPromise = new Promise<void>((resolve) => {
    stuck = resolve;
  });
  let idle = 0;
  let lastSeen = -1;
  let everythingQuiet: (() => void) | undefined;
  let quiet = new Promise<void>((resolve) => {
    everythingQuiet = resolve;
  });
  const flags: { stopSupervisor: boolean; consumerDone: boolean; holdParks: boolean; droppedParked: boolean; timedOut: boolean; paused: Promise<void> | undefined } = {
    stopSupervisor: false,
    consumerDone: false,
    holdParks: false,
    droppedParked: false,
    timedOut: false,
    paused: undefined,
  };
  // `abandon-parked`: instead of releasing a parked read, tell the consumer it is parked.
  let onParked: (() => void) | undefined;

  const pendingCalls = (): ConsumerCall[] => run.calls.filter((c) => !c.settled);
  const abortDue = (): boolean => script.abortAt !== undefined && run.abort === undefined;

  const moved = (): boolean => timeline.now + progress !== lastSeen;
  const deadline = now() + settings.timeLimit;
  const overTime = (): boolean => {
    if (flags.timedOut || now() <= deadline) return flags.timedOut;
    flags.timedOut = true;
    run.problems.push(`the scenario did not finish within its time limit of ${String(settings.timeLimit)} ms`);
    stuck?.();
    return true;
  };
  /**
   * The microtask queue is quiet: turn the event loop so `nextTick`, `setImmediate` and
   * ready I/O run, and while the code under test holds timers or I/O it did not hold
   * before, keep turning until they fire (bounded by the time limit). True if anything
   * moved. Microtask-only code moves in none of these turns: its interleaving, counted in
   * ticks, stays the one its seed gives.
   */
  const turnEventLoop = async (): Promise<boolean> => {
    for (let turn = 0; turn < 2; turn++) {
      await macrotask();
      if (moved()) return true;
    }
    return false;
  };
  /** Something still waits on the code under test: a consumer call, or a close under way. */
  const waiting = (): boolean =>
    pendingCalls().some((c) => !c.abandoned) ||
    timeline.nodes.some((n) => n.closeStartSeq !== undefined && n.closeEndSeq === undefined && n.finished === undefined && !waitsOnGone(n));
  /**
   * Parks are released first (they are ours); then timers and I/O of the code under test
   * get their time: as long as it holds more of them than when the scenario started (up to
   * the time limit), and for a short grace period in any case, since the runtime's count of
   * timers and handles is not exact everywhere.
   */
  const awaitOutsideWork = async (): Promise<boolean> => {
    const graceUntil = now() + OUTSIDE_GRACE_MS;
    while (waiting() && !overTime() && (outsideWork() > 0 || now() < graceUntil)) {
      await sleep(1);
      if (moved()) return true;
    }
    return false;
  };

  const supervisor = (async () => {
    let step = 0;
    while (!flags.stopSupervisor) {
      if (flags.paused !== undefined) await flags.paused;
      await Promise.resolve();
      timeline.tick++;
      if (abortDue() && timeline.tick >= (script.abortAt ?? Infinity)) {
        const reason = script.abortReason === 'object' ? { abortedAt: timeline.tick } : new Error(`aborted at tick ${String(timeline.tick)}`);
        run.abort = { tick: timeline.tick, seq: timeline.now, reason, decidedBeforeSeq: Infinity };
        for (const call of pendingCalls()) {
          if (call.kind === 'next' && call.closedBy === undefined) {
            call.closedBy = 'abort';
            call.closedTick = timeline.tick;
            call.closedSeq = timeline.now;
          }
        }
        // C3 rule 1: an answer the subject settled before the abort stands, though the
        // consumer sees it after. Reactions to promises settled before this moment are
        // already queued ahead of this marker, so whatever is seen before the marker has
        // run `settings.decidedHops` times was decided before the abort. One hop is exact
        // (strict); a promise resolved with another promise (a foreign library's `async`
        // method) before the abort needs two more.
        const abort = run.abort;
        let hops = 0;
        const mark = (): void => {
          if (++hops < settings.decidedHops) queueMicrotask(mark);
          else abort.decidedBeforeSeq = timeline.now;
        };
        queueMicrotask(mark);
        controller.abort(reason);
      }
      // A subject that keeps the microtask queue busy forever still meets the time limit.
      if (++step % 4_096 === 0 && overTime()) {
        release(run, timeline);
        everythingQuiet?.();
        continue;
      }
      if (moved()) {
        lastSeen = timeline.now + progress;
        idle = 0;
        continue;
      }
      if (++idle < settings.idleTicks) continue;
      idle = 0;
      if (!flags.timedOut && (await turnEventLoop())) {
        lastSeen = timeline.now + progress;
        continue;
      }
      if (timeline.parkedCount > 0) {
        if (flags.holdParks) onParked?.();
        else release(run, timeline);
        continue;
      }
      if (!flags.timedOut && (await awaitOutsideWork())) {
        lastSeen = timeline.now + progress;
        continue;
      }
      if (!flags.consumerDone) {
        // Nothing moves, nothing is parked, and the consumer still waits: it never will.
        stuck?.();
        continue;
      }
      if (abortDue() && !flags.timedOut) continue;
      everythingQuiet?.();
    }
  })();

  // ------------------------------------------------------------- consumer
  const call = (kind: 'next' | 'return' | 'throw', options?: { dropsError?: boolean; error?: unknown }): Promise<void> => {
    const it = holder.iterator;
    const record: ConsumerCall = {
      kind,
      calledSeq: timeline.record(consumer, kind),
      calledTick: timeline.tick,
      settled: false,
      settledSeq: undefined,
      settledTick: undefined,
      outcome: undefined,
      error: undefined,
      dropsError: options?.dropsError === true,
      closedBy: undefined,
      closedTick: undefined,
      closedSeq: undefined,
      settledAfterRelease: false,
      abandoned: false,
      tookMs: undefined,
    };
    const calledAt = now();
    if (kind === 'next') {
      run.firstNextSeq ??= record.calledSeq;
    } else {
      for (const pending of pendingCalls()) {
        if (pending.kind === 'next' && pending.closedBy === undefined) {
          pending.closedBy = 'return';
          pending.closedTick = timeline.tick;
          pending.closedSeq = record.calledSeq;
        }
      }
    }
    run.calls.push(record);
    let promise: Promise<unknown>;
    try {
      if (it === undefined) throw new Error('the iterator was dropped');
      if (kind === 'next') promise = it.next();
      else if (kind === 'throw' && typeof it.throw === 'function') promise = it.throw(options?.error);
      else if (typeof it.return === 'function') promise = it.return();
      else promise = Promise.resolve({ done: true, value: undefined });
      promise = Promise.resolve(promise);
    } catch (error) {
      promise = Promise.reject(error);
    }
    const settle = (outcome: 'value' | 'done' | 'error', error?: unknown): void => {
      record.settled = true;
      record.tookMs = Math.round(now() - calledAt); // whole ms, as reports show it
      record.outcome = outcome;
      record.error = error;
      record.settledTick = timeline.tick;
      record.settledSeq = timeline.record(consumer, outcome === 'value' ? 'yield' : outcome === 'done' ? 'done' : 'reject');
      record.settledAfterRelease = run.releases.some((r) => r.tick >= record.calledTick);
      progress++;
      if (kind === 'next' && outcome !== 'value') run.consumerFinished = true;
    };
    return promise.then(
      (result) => {
        settle(typeof result === 'object' && result !== null && (result as { done?: unknown }).done !== true ? 'value' : 'done');
      },
      (error: unknown) => {
        settle('error', error);
      },
    );
  };

  const wait = async (promise: Promise<unknown>): Promise<boolean> => {
    let hung = false;
    await Promise.race([promise, stuckPromise.then(() => (hung = true))]);
    return !hung;
  };

  const finished = (): boolean => run.consumerFinished;
  const consume = async (): Promise<void> => {
    for (const step of script.steps) {
      if (run.consumerFinished) return;
      switch (step.op) {
        case 'next':
          if (!(await wait(call('next')))) return;
          break;
        case 'nexts':
          if (!(await wait(Promise.all(Array.from({ length: step.count }, () => call('next')))))) return;
          break;
        case 'pending-next':
          void call('next');
          break;
        case 'wait':
          await ticks(step.ticks);
          break;
      }
      await ticks(random(3));
    }
    if (run.consumerFinished) return;
    switch (script.end) {
      case 'drain':
        for (let i = 0; i < MAX_DRAIN && !finished(); i++) {
          if (!(await wait(call('next')))) return;
        }
        if (!finished()) run.problems.push(`the stream did not end after ${String(MAX_DRAIN)} reads`);
        break;
      case 'return':
        await wait(call('return'));
        break;
      case 'body-throw':
        await wait(call('return', { dropsError: true }));
        break;
      case 'throw': {
        const error = new Error('thrown into the stream by the consumer');
        run.consumerErrors.push(error);
        await wait(call('throw', { error }));
        break;
      }
      case 'abandon':
        break;
      case 'abandon-parked':
        flags.holdParks = true;
        for (let i = 0; i < MAX_DRAIN && !finished(); i++) {
          const parked = new Promise<void>((resolve) => {
            onParked = resolve;
          });
          const read = call('next').then(() => 'settled' as const);
          const outcome = await Promise.race([read, parked.then(() => 'parked' as const), stuckPromise.then(() => 'stuck' as const)]);
          if (outcome === 'parked') flags.droppedParked = true;
          if (outcome !== 'settled') break; // parked: drop the stream now; stuck: `settles` says so
        }
        onParked = undefined;
        break;
    }
  };

  await consume();
  flags.consumerDone = true;
  if (flags.droppedParked && !run.consumerFinished && run.abort === undefined) {
    // C7: dropped while a read is parked; the parks are released only after the collector ran.
    const leftPending = new Set(pendingCalls());
    let resume: (() => void) | undefined;
    flags.paused = new Promise((resolve) => {
      resume = resolve;
    });
    // The supervisor pauses: the collector needs macrotask turns, and the parks stay held.
    await checkAbandonment(run, holder, timeline, settings.collect);
    // What is still alive waits on the parks let go of: release it now.
    timeline.releaseAll();
    flags.paused = undefined;
    resume?.();
    for (const pending of leftPending) pending.abandoned = true;
  }
  flags.holdParks = false;
  // Let background closes (after an abort, or a straggling sibling) finish; release parks.
  await quiet;
  flags.stopSupervisor = true;
  await supervisor;
  quiet = Promise.resolve();

  for (const pending of pendingCalls()) {
    if (pending.abandoned) continue; // its stream was dropped while it waited: nobody listens
    run.problems.push(`${pending.kind}() called at tick ${String(pending.calledTick)} never settled`);
  }
  for (const node of timeline.nodes) {
    if (node.closeStartSeq !== undefined && node.closeEndSeq === undefined && node.finished === undefined && !waitsOnGone(node)) {
      run.problems.push(`${node.id}'s close began and never finished, with nothing left parked`);
    }
  }

  if (script.end === 'abandon' && !run.consumerFinished && run.abort === undefined) {
    await checkAbandonment(run, holder, timeline, settings.collect);
  } else {
    holder.iterator = undefined;
  }
  // Unhandled rejections surface after the microtask queue drains.
  await macrotask();
  await macrotask();
  if (settings.watchTimers && timersJudgeable(run, timeline, outside, settings, flags.timedOut)) {
    const left = await timersLeft(outside);
    // The collector runs when it likes: a safety net that began a close meanwhile (a
    // dropped consumer leaving a share) makes this no longer the end of everything.
    if (!busy(timeline)) run.timersLeft = left;
  }
}

/**
 * Whether the timers left at the end say anything about the subject: not where the
 * runtime cannot count them (no `node:async_hooks`, e.g. a browser: checkContract lists
 * `timers-cleared` as unchecked), nor when the run did not finish (its problems say why),
 * nor when the stream was dropped and not collected (a stage's safety net clears its
 * timer only once the collector finds the stage, C7), nor while a close is still under
 * way or a step still parked: a close waiting on a park the harness let go of (a dropped
 * stream's) runs until iterscope's close deadline, whose timer is that bound, not a leak (C2).
 */
function timersJudgeable(run: ScenarioRun, timeline: Timeline, outside: OutsideWork, settings: RunSettings, timedOut: boolean): boolean {
  if (!outside.available || timedOut || run.problems.length > 0) return false;
  if (busy(timeline)) return false;
  return run.abandonment === undefined || (settings.collect && run.abandonment.gcAvailable);
}

/**
 * A close under way, or a step still parked (one let go of with a dropped stream, unless
 * it was collected and so holds nothing up), which keeps whatever waits on it waiting.
 */
function busy(timeline: Timeline): boolean {
  return timeline.nodes.some((n) => (n.parked > 0 && !n.upstreamGone) || (n.closeStartSeq !== undefined && n.closeEndSeq === undefined));
}

/** Milliseconds a timer that is about to go (it fired, or was just cleared) gets to be gone. */
const TIMER_GRACE_MS = 20;

/**
 * C1/C7: the timers the code under test still runs now that everything is closed (or
 * collected). A timer just cleared or fired leaves the count a moment later (the runtime
 * reports it gone asynchronously), hence the short grace; a forgotten one stays.
 */
async function timersLeft(outside: OutsideWork): Promise<number> {
  const until = now() + TIMER_GRACE_MS;
  while (outside.timers() > 0 && now() < until) await sleep(1);
  return outside.timers();
}

function toIterator(subject: AsyncIterable<unknown> | AsyncIterator<unknown>): AsyncIterator<unknown> {
  if (typeof (subject as AsyncIterator<unknown>).next === 'function') return subject as AsyncIterator<unknown>;
  const open = (subject as Partial<AsyncIterable<unknown>>)[Symbol.asyncIterator];
  if (typeof open !== 'function') throw new TypeError('the subject is neither an async iterator nor an async iterable');
  return open.call(subject);
}

/**
 * True when `node`, or something it reads, waits on a park that was let go of and
 * collected: it can never settle (an async generator's `return()` queues behind its
 * pending `next()`), so nothing waits for it.
 */
function waitsOnGone(node: NodeRecord, seen = new Set<NodeRecord>()): boolean {
  if (node.upstreamGone) return true;
  if (seen.has(node)) return false;
  seen.add(node);
  return node.children.some((child) => waitsOnGone(child, seen));
}

function buildInto(holder: Holder, run: ScenarioRun, make: () => AsyncIterable<unknown> | AsyncIterator<unknown>): void {
  const subject = make();
  holder.iterator = toIterator(subject);
  run.hasThrow = typeof holder.iterator.throw === 'function';
  run.subjectIsStage = typeof subject === 'object' && STAGE_MARK in subject;
}

function release(run: ScenarioRun, timeline: Timeline): void {
  const pendingCloses = run.calls.filter((c) => !c.settled && c.kind !== 'next');
  // A node that finished (its read rejected on the close signal) while its return() was
  // already under way was still asked to close: that close is in progress too.
  const cleaning = cleaningUp(timeline);
  const closesInProgress = timeline.nodes
    .filter((n) => (n.closeStartSeq !== undefined && n.closeEndSeq === undefined) || cleaning.has(n.id))
    .map((n) => n.id);
  const parked = timeline.nodes.filter((n) => n.parked > 0);
  const parkedNodes = parked.map((n) => n.id);
  const finishedParkedNodes = parked.filter((n) => n.finished !== undefined || n.closeEndSeq !== undefined).map((n) => n.id);
  run.releases.push({ tick: timeline.tick, pendingCloses, closesInProgress, parkedNodes, finishedParkedNodes });
  timeline.releaseAll();
}

/**
 * Nodes whose cleanup has started and not ended. A generator source that finished on its
 * own runs its `finally` inside its last `next()`: it is closing, though nobody asked it to
 * (a `return()` sent now is queued by the language behind that `finally`), and a read
 * pending on it ends when the cleanup does. Waiting on it is waiting on a close.
 */
function cleaningUp(timeline: Timeline): Set<string> {
  const open = new Set<string>();
  for (const event of timeline.events) {
    if (event.type === 'cleanup-start') open.add(event.node);
    else if (event.type === 'cleanup-end' || event.type === 'cleanup-error') open.delete(event.node);
  }
  return open;
}

/**
 * C7: drop every reference to the subject and let the garbage collector find it. A report
 * is expected when the subject is an iterscope stage holding an open, unfinished source.
 */
async function checkAbandonment(run: ScenarioRun, holder: Holder, timeline: Timeline, collect: boolean): Promise<void> {
  const gc = collect ? (globalThis as { gc?: () => void }).gc : undefined;
  const holdsOpen = (): boolean =>
    timeline.nodes.some((n) => n.kind === 'source' && n.opened && n.finished === undefined && n.returnCalls === 0);
  // A subject already closing on its own (a close under way below it, bounded by its
  // deadline) is not abandoned: its close goes on, and a straggler is reported if late.
  const closing = timeline.nodes.some((n) => n.closeStartSeq !== undefined && n.closeEndSeq === undefined);
  const expected = run.subjectIsStage && holdsOpen() && !closing;
  const whileParked = timeline.parkedCount > 0;
  run.abandonment = { expected, gcAvailable: typeof gc === 'function', reported: false, whileParked };
  holder.iterator = undefined;
  // The parked reads' upstreams go away with the consumer: otherwise the harness itself,
  // holding the parks to release them, would keep the subject reachable.
  // Without a collector to run, they are kept and released later instead.
  if (typeof gc !== 'function') return;
  if (whileParked) timeline.abandonParks();
  // Even when no report is expected, collect what was let go of, so its safety net runs
  // now (a timer it held is cleared) rather than whenever the process next collects.
  const attempts = expected ? 12 : 2;
  for (let attempt = 0; attempt < attempts && !run.reports.some((r) => r.type === 'abandoned'); attempt++) {
    await macrotask();
    gc();
    await macrotask();
  }
  if (!expected) return;
  run.abandonment.reported = run.reports.some((r) => r.type === 'abandoned');
  // Not abandoned after all: the subject closed its sources itself meanwhile (a timeout
  // fired, a notifier ended it). Nothing was left open for the safety net to report.
  if (!run.abandonment.reported && !holdsOpen()) run.abandonment = { ...run.abandonment, expected: false };
}
