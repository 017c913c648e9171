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
  /** It settled only after the harness released a parked step. */
  settledAfterRelease: boolean;
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
  abort: { readonly tick: number; readonly seq: number; readonly reason: unknown } | undefined;
  /** `seq` of the consumer's first next() call. */
  firstNextSeq: number | undefined;
  /** The consumer saw the end of the stream (done or a rejected next). */
  consumerFinished: boolean;
  /** The subject is an iterscope stage (its safety net applies). */
  subjectIsStage: boolean;
  /** Set for `abandon`: whether a report was expected, and whether gc could run. */
  abandonment: { readonly expected: boolean; readonly gcAvailable: boolean; reported: boolean } | undefined;
  /** Errors the consumer threw in (`throw()`), which must come back to it. */
  readonly consumerErrors: unknown[];
}

/** Tuning of one run. */
export interface RunSettings {
  readonly sourceCount: number;
  readonly idleTicks: number;
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

type UnhandledSink = (reason: unknown) => void;
let unhandledSink: UnhandledSink | undefined;
let unhandledInstalled = false;
function onUnhandled(reason: unknown): void {
  unhandledSink?.(reason);
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
  return () => {
    unhandledInstalled = false;
    proc.off('unhandledRejection', onUnhandled);
  };
}

function macrotask(): Promise<void> {
  return new Promise((resolve) => {
    if (typeof setImmediate === 'function') setImmediate(resolve);
    else setTimeout(resolve, 0);
  });
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
  };
  timeline.nodes.splice(timeline.nodes.indexOf(consumer), 1); // the consumer is not a node under test
  const stopReports = onReport((report) => run.reports.push(report));
  unhandledSink = (reason) => run.unhandled.push(reason);
  try {
    await play(build, scenario, settings, run, timeline, consumer, random, controller);
  } finally {
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
): Promise<void> {
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
    const subject = build(
      { source: sources[0] ?? nextProbe(), sources, signal: controller.signal, probe: nextProbe },
      { scenario, timeline, random },
    );
    holder.iterator = toIterator(subject);
    run.subjectIsStage = typeof subject === 'object' && STAGE_MARK in subject;
  } catch (error) {
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
  const flags = { stopSupervisor: false, consumerDone: false };

  const pendingCalls = (): ConsumerCall[] => run.calls.filter((c) => !c.settled);
  const abortDue = (): boolean => script.abortAt !== undefined && run.abort === undefined;

  const supervisor = (async () => {
    while (!flags.stopSupervisor) {
      await Promise.resolve();
      timeline.tick++;
      if (abortDue() && timeline.tick >= (script.abortAt ?? Infinity)) {
        const reason = script.abortReason === 'object' ? { abortedAt: timeline.tick } : new Error(`aborted at tick ${String(timeline.tick)}`);
        run.abort = { tick: timeline.tick, seq: timeline.now, reason };
        for (const call of pendingCalls()) {
          if (call.kind === 'next' && call.closedBy === undefined) {
            call.closedBy = 'abort';
            call.closedTick = timeline.tick;
          }
        }
        controller.abort(reason);
      }
      const seen = timeline.now + progress;
      if (seen !== lastSeen) {
        lastSeen = seen;
        idle = 0;
        continue;
      }
      if (++idle < settings.idleTicks) continue;
      idle = 0;
      if (timeline.parkedCount > 0) {
        release(run, timeline);
        continue;
      }
      if (!flags.consumerDone) {
        // Nothing moves, nothing is parked, and the consumer still waits: it never will.
        stuck?.();
        continue;
      }
      if (abortDue()) continue;
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
      settledAfterRelease: false,
    };
    if (kind === 'next') {
      run.firstNextSeq ??= record.calledSeq;
    } else {
      for (const pending of pendingCalls()) {
        if (pending.kind === 'next' && pending.closedBy === undefined) {
          pending.closedBy = 'return';
          pending.closedTick = timeline.tick;
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
    }
  };

  await consume();
  flags.consumerDone = true;
  // Let background closes (after an abort, or a straggling sibling) finish; release parks.
  await quiet;
  flags.stopSupervisor = true;
  await supervisor;
  quiet = Promise.resolve();

  for (const pending of pendingCalls()) {
    run.problems.push(`${pending.kind}() called at tick ${String(pending.calledTick)} never settled`);
  }
  for (const node of timeline.nodes) {
    if (node.closeStartSeq !== undefined && node.closeEndSeq === undefined && node.finished === undefined) {
      run.problems.push(`${node.id}'s close began and never finished, with nothing left parked`);
    }
  }

  if (script.end === 'abandon' && !run.consumerFinished && run.abort === undefined) {
    await checkAbandonment(run, holder, timeline);
  } else {
    holder.iterator = undefined;
  }
  // Unhandled rejections surface after the microtask queue drains.
  await macrotask();
  await macrotask();
}

function toIterator(subject: AsyncIterable<unknown> | AsyncIterator<unknown>): AsyncIterator<unknown> {
  if (typeof (subject as AsyncIterator<unknown>).next === 'function') return subject as AsyncIterator<unknown>;
  const open = (subject as Partial<AsyncIterable<unknown>>)[Symbol.asyncIterator];
  if (typeof open !== 'function') throw new TypeError('the subject is neither an async iterator nor an async iterable');
  return open.call(subject);
}

function release(run: ScenarioRun, timeline: Timeline): void {
  const pendingCloses = run.calls.filter((c) => !c.settled && c.kind !== 'next');
  const closesInProgress = timeline.nodes
    .filter((n) => n.closeStartSeq !== undefined && n.closeEndSeq === undefined && n.finished === undefined)
    .map((n) => n.id);
  const parkedNodes = timeline.nodes.filter((n) => n.parked > 0).map((n) => n.id);
  run.releases.push({ tick: timeline.tick, pendingCloses, closesInProgress, parkedNodes });
  timeline.releaseAll();
}

/**
 * C7: drop every reference to the subject and let the garbage collector find it. A report
 * is expected when the subject is an iterscope stage holding an open, unfinished source.
 */
async function checkAbandonment(run: ScenarioRun, holder: Holder, timeline: Timeline): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  const holdsOpen = timeline.nodes.some(
    (n) => n.kind === 'source' && n.opened && n.finished === undefined && n.returnCalls === 0,
  );
  const expected = run.subjectIsStage && holdsOpen;
  run.abandonment = { expected, gcAvailable: typeof gc === 'function', reported: false };
  holder.iterator = undefined;
  if (!expected || typeof gc !== 'function') return;
  for (let attempt = 0; attempt < 10 && !run.reports.some((r) => r.type === 'abandoned'); attempt++) {
    await macrotask();
    gc();
    await macrotask();
  }
  run.abandonment.reported = run.reports.some((r) => r.type === 'abandoned');
}
