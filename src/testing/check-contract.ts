/**
 * The runners: generate scenarios, run each against the code under test, check every
 * invariant, and on failure throw one readable report with the shrunk scenario and the
 * seed that replays it. Framework-agnostic: works wherever a thrown Error fails a test
 * (vitest, jest, node:test, a plain script).
 */
import { countsTimers, macrotask, timersFaked } from './event-loop.js';
import { scenarios, type ArbitraryOptions } from './arbitraries.js';
import { fastCheck } from './fast-check.js';
import { builtinStages } from './builtin-stages.js';
import type { ScenarioCheck, ScenarioObservation } from './check.js';
import { ContractError } from './contract-error.js';
import { checkRun, describeError, INVARIANTS, type CheckSettings, type InvariantName, type Violation } from './invariants.js';
import { pipelineBuild } from './pipeline.js';
import { NotAsyncSubject, notAsync, validateOptions } from './validate-options.js';
import { runScenario, watchUnhandled, type Build, type RunSettings, type ScenarioRun } from './run.js';
import { abandons, type ConsumerEnd, type Scenario, type Subject } from './scenario.js';
import type { StageKind } from './stage-kind.js';

/**
 * Options of {@link checkContract}. Every field is optional.
 *
 * @example
 * ```ts
 * import type { ContractOptions } from 'iterscope/testing';
 * const options: ContractOptions = { runs: 500, sources: 2, invariants: ['closed-once'] };
 * console.log(options.runs);
 * ```
 */
export interface ContractOptions {
  /** How many scenarios to generate. Default 100. */
  readonly runs?: number | undefined;
  /** The seed; with `path`, replays a failure from its report. Default: random. */
  readonly seed?: number | undefined;
  /** The path of a failure (from its report), to replay it with `seed`. */
  readonly path?: string | undefined;
  /** How many instrumented sources the subject takes (`input.sources`). Default 1. */
  readonly sources?: number | undefined;
  /** Which invariants to check. Default all. */
  readonly invariants?: readonly InvariantName[] | undefined;
  /** The subject passes `input.signal` on (C3): generate aborts. Default true. */
  readonly abort?: boolean | undefined;
  /** Which kinds of source to generate. Default `async`, `generator` and `sync`. */
  readonly sourceKinds?: readonly ('async' | 'generator' | 'sync')[] | undefined;
  /** How consumers may end. Default all. */
  readonly ends?: readonly ConsumerEnd[] | undefined;
  /** A pending `next()` must settle within this many microtask ticks of a close or abort. Default 8. */
  readonly settleTicks?: number | undefined;
  /** Ticks without any event before the harness releases parked steps. Default 120. */
  readonly idleTicks?: number | undefined;
  /**
   * iterscope-level checks, for iterscope's own stages: every wait after a close or an
   * abort counts against `settleTicks` (not only a wait on a parked source), a redundant
   * `return()` after the end is a violation, and only an answer settled directly before
   * an abort counts as decided before it. Default false: a foreign library's few ticks of
   * promise overhead are not findings.
   */
  readonly strict?: boolean | undefined;
  /**
   * `close-bounded`: milliseconds of real time `return()`/`throw()` (and a `next()` pending
   * at an abort) may take, even when a source below is slow to close. Default 500.
   */
  readonly closeBound?: number | undefined;
  /** Milliseconds one scenario may take (the code under test waiting on timers or I/O included) before it is stopped and reported under `settles`. Default 5,000. */
  readonly timeLimit?: number | undefined;
  /** Extra invariants (spans, ...), checked after every scenario. */
  readonly checks?: readonly ScenarioCheck[] | undefined;
  /** Scenarios to run first, every time (regressions). */
  readonly examples?: readonly Scenario[] | undefined;
  /**
   * Violations you already know about and have not fixed yet: a violation one of them
   * matches does not fail the run, and is counted in {@link ContractSummary.known}
   * instead. Meant to be temporary and narrow (match the message and the scenario).
   */
  readonly knownIssues?: readonly KnownIssue[] | undefined;
}

/**
 * A known, not yet fixed violation (see {@link ContractOptions.knownIssues}).
 *
 * @example
 * ```ts
 * import type { KnownIssue } from 'iterscope/testing';
 * const issue: KnownIssue = {
 *   name: 'not reported when dropped while parked',
 *   matches: (violation, scenario) => violation.invariant === 'abandonment' && scenario.consumer.end === 'abandon-parked',
 * };
 * console.log(issue.name);
 * ```
 */
export interface KnownIssue {
  /** Its name in {@link ContractSummary.known}. */
  readonly name: string;
  /** True for the violations it stands for. */
  matches(violation: Violation, scenario: Scenario): boolean;
}

/**
 * Options of {@link checkPipelines}: those of {@link checkContract}, plus the stage kinds.
 *
 * @example
 * ```ts
 * import type { PipelineOptions } from 'iterscope/testing';
 * const options: PipelineOptions = { runs: 200, depth: { min: 1, max: 4 } };
 * console.log(options.depth?.max);
 * ```
 */
export interface PipelineOptions extends Omit<ContractOptions, 'sources'> {
  /** Your stage kinds, mixed with the built-in ones. */
  readonly stages?: readonly StageKind[] | undefined;
  /** Include the built-in kinds (iterscope's operators and a user `async function*`). Default true. */
  readonly builtins?: boolean | undefined;
  /** Pipeline depth. Default 1 to 8. */
  readonly depth?:
    | {
        /** The fewest stages. */
        readonly min: number;
        /** The most stages. */
        readonly max: number;
      }
    | undefined;
}

/**
 * What a passing check ran.
 *
 * @example
 * ```ts
 * import { aclosing } from 'iterscope';
 * import { checkContract, type ContractSummary } from 'iterscope/testing';
 * const summary: ContractSummary = await checkContract(({ source, signal }) => aclosing(source, { signal }), { runs: 20, seed: 2 });
 * console.log(summary.runs); // 20
 * ```
 */
export interface ContractSummary {
  /** Scenarios run. */
  readonly runs: number;
  /** The seed used. */
  readonly seed: number;
  /** Invariants that could not be checked, and why (e.g. `abandonment` without `--expose-gc`). */
  readonly unchecked: readonly string[];
  /** How many violations each of `knownIssues` excused (only those that matched). */
  readonly known: Readonly<Record<string, number>>;
}

/**
 * Check an async iterator factory against CONTRACT.md: generate scenarios (instrumented
 * sources that park, throw, and ignore or honour signals; consumers that read, close,
 * throw, abort and abandon, interleaved by microtask jitter), run each against `subject`
 * and check every invariant (see {@link InvariantName}). Throws a {@link ContractError}
 * with the shrunk scenario and its replay seed when one breaks.
 *
 * @param subject - Builds the iterator under test from the instrumented sources and signal.
 * @param options - Scenario count, seed, invariants, ...
 * @returns What ran, when every scenario passed.
 * @throws ContractError when a scenario broke an invariant.
 * @example
 * ```ts
 * import { pipe, map } from 'iterscope';
 * import { checkContract } from 'iterscope/testing';
 *
 * // The stage under test: any function from source (and signal) to an async iterator.
 * const double = (source: AsyncIterable<number> | Iterable<number | Promise<number>>, signal: AbortSignal) =>
 *   pipe(source, map((x: number) => x * 2, { signal }));
 *
 * // A fixed seed replays the same scenarios on every run.
 * const summary = await checkContract(({ source, signal }) => double(source, signal), { runs: 200, seed: 5 });
 * console.log(`${String(summary.runs)} scenarios passed`);
 * ```
 * @example
 * With `node:test` (run with `node --expose-gc --test` so the abandonment check can collect):
 * ```ts
 * import { test } from 'node:test';
 * import { aclosing } from 'iterscope';
 * import { checkContract } from 'iterscope/testing';
 *
 * await test('my iterator keeps the closing contract', async () => {
 *   await checkContract(({ source, signal }) => aclosing(source, { signal }), { runs: 50, seed: 2 });
 * });
 * ```
 * @example
 * With vitest (the runner adds `describe`/`it`; not run as a plain program):
 * ```js
 * import { it } from 'vitest';
 * import { checkContract } from 'iterscope/testing';
 * import { myStream } from '../src/my-stream.js';
 *
 * it('keeps the closing contract', async () => {
 *   await checkContract(({ source, signal }) => myStream(source, { signal }), { runs: 500 });
 * }, 60_000);
 * ```
 * @example
 * With jest (start it with `node --expose-gc node_modules/.bin/jest`; not run as a plain program):
 * ```js
 * const { checkContract } = require('iterscope/testing');
 * const { myStream } = require('../src/my-stream');
 *
 * test('keeps the closing contract', async () => {
 *   await checkContract(({ source, signal }) => myStream(source, { signal }), { runs: 500 });
 * }, 60_000);
 * ```
 */
export async function checkContract(subject: Subject, options?: ContractOptions): Promise<ContractSummary> {
  if (typeof subject !== 'function') throw new TypeError('checkContract: expected `subject` to be a function (input) => async iterator.');
  const build: Build = (input) => {
    const made = subject(input);
    const problem = notAsync(made);
    if (problem !== undefined) throw new NotAsyncSubject(problem);
    return made;
  };
  return run('checkContract()', build, options ?? {}, { sources: options?.sources });
}

/**
 * Check generated pipelines (1 to 8 stages drawn from iterscope's operators, a user
 * `async function*` stage, and the kinds you pass) against CONTRACT.md, at the boundary
 * of the outermost stage. Throws a {@link ContractError} when a scenario broke an invariant.
 *
 * @param options - Your stage kinds, depth, and everything {@link checkContract} takes.
 * @returns What ran, when every scenario passed.
 * @throws ContractError when a scenario broke an invariant.
 * @example
 * ```ts
 * import { pipe, map } from 'iterscope';
 * import { checkPipelines, stageKind } from 'iterscope/testing';
 *
 * const square = stageKind('square', (source, { options }) =>
 *   pipe(source as AsyncIterable<number>, map((x: number) => x * x, options)));
 * await checkPipelines({ stages: [square], runs: 100, seed: 1, abort: false });
 * ```
 */
export async function checkPipelines(options?: PipelineOptions): Promise<ContractSummary> {
  const kinds = [...(options?.builtins === false ? [] : builtinStages()), ...(options?.stages ?? [])];
  if (kinds.length === 0) throw new TypeError('checkPipelines: no stage kinds (builtins off and `stages` empty).');
  const names = [...new Set(kinds.map((kind) => kind.name))];
  return run('checkPipelines()', pipelineBuild(kinds), options ?? {}, { stageKinds: names, depth: options?.depth });
}

async function run(caller: string, build: Build, options: ContractOptions, shape: ArbitraryOptions): Promise<ContractSummary> {
  validateOptions(options as Readonly<Record<string, unknown>>);
  const fc = fastCheck(caller);
  const invariants = options.invariants ?? INVARIANTS;
  const settings = runSettings(options, shape.sources);
  const arbitrary = scenarios({
    ...shape,
    sourceKinds: options.sourceKinds,
    ends: options.ends,
    abort: options.abort,
  });
  const gcAvailable = typeof (globalThis as { gc?: unknown }).gc === 'function';

  const known: Record<string, number> = {};
  const examine = (scenario: Scenario): Promise<Violation[]> => examineScenario(build, scenario, options, settings, known);
  // What each failing run saw. The report re-runs the counterexample to show it, but a
  // subject that behaves differently from run to run may pass then: the report keeps what
  // the failing run saw and says it did not come back, instead of an empty list.
  const seen = new WeakMap<Scenario, Violation[]>();

  const stopWatching = watchUnhandled();
  try {
    const property = fc.asyncProperty(arbitrary, async (scenario) => {
      const violations = await examine(scenario);
      if (violations.length > 0) seen.set(scenario, violations);
      return violations.length === 0;
    });
    const details = await fc.check(property, {
      numRuns: options.runs ?? 100,
      ...(options.seed === undefined ? {} : { seed: options.seed }),
      ...(options.path === undefined ? {} : { path: options.path }),
      examples: (options.examples ?? []).map((scenario) => [scenario] as [Scenario]),
    });
    if (details.failed) {
      // Not a contract violation: the subject cannot be checked at all. Said as such.
      if (details.errorInstance instanceof NotAsyncSubject) throw details.errorInstance;
      const scenario = details.counterexample?.[0];
      if (scenario === undefined) {
        throw new Error(`iterscope/testing: the property failed without a counterexample: ${describeError(details.errorInstance)}`);
      }
      const again = await examine(scenario);
      const first = seen.get(scenario) ?? [];
      const violations = again.length > 0 ? again : first;
      const path = details.counterexamplePath ?? '';
      const report = formatReport(violations, scenario, details.seed, path, details.numRuns, details.numShrinks, details.errorInstance, again.length === 0 && first.length > 0);
      throw new ContractError(report, {
        violations,
        scenario,
        seed: details.seed,
        path,
      });
    }
    const unchecked: string[] = [];
    if (!gcAvailable && invariants.includes('abandonment')) {
      unchecked.push('abandonment: globalThis.gc is not available (run Node with --expose-gc)');
    }
    if (!countsTimers() && invariants.includes('timers-cleared')) {
      unchecked.push('timers-cleared: this runtime cannot count timers (it needs node:async_hooks and process.getBuiltinModule, Node 20.16 and up)');
    } else if (timersFaked() && invariants.includes('timers-cleared')) {
      unchecked.push('timers-cleared: setTimeout is faked (vi.useFakeTimers(), sinon): the timers of the code under test are not real ones and cannot be counted; check with real timers');
    }
    return { runs: details.numRuns, seed: details.seed, unchecked, known };
  } finally {
    stopWatching();
    await collectLeftovers(settings.collect);
  }
}

/**
 * C7: subjects the scenarios let go of are collected before returning, so their safety
 * nets run now (a timer one held is cleared) and not whenever the process next collects:
 * a check that keeps the process alive after it is done would be a surprise.
 */
async function collectLeftovers(collect: boolean): Promise<void> {
  const gc = collect ? (globalThis as { gc?: () => void }).gc : undefined;
  if (typeof gc !== 'function') return;
  for (let round = 0; round < 2; round++) {
    gc();
    await macrotask();
  }
}

function checkSettings(options: ContractOptions): CheckSettings {
  return { settleTicks: options.settleTicks ?? 8, strict: options.strict === true, closeBound: options.closeBound ?? 500 };
}

function runSettings(options: ContractOptions, sources: number | undefined): RunSettings {
  return {
    sourceCount: Math.max(1, sources ?? 1),
    idleTicks: options.idleTicks ?? 120,
    timeLimit: options.timeLimit ?? 5_000,
    decidedHops: options.strict === true ? 1 : 3,
    collect: (options.invariants ?? INVARIANTS).includes('abandonment'),
    watchTimers: (options.invariants ?? INVARIANTS).includes('timers-cleared'),
  };
}

async function examineScenario(
  build: Build,
  scenario: Scenario,
  options: ContractOptions,
  settings: RunSettings,
  known: Record<string, number> = {},
): Promise<Violation[]> {
  const checks = options.checks ?? [];
  const issues = options.knownIssues ?? [];
  const unknown = (violations: readonly Violation[]): Violation[] => violations.filter((v) => !issues.some((i) => i.matches(v, scenario)));
  for (const check of checks) check.before?.();
  let outcome = await runScenario(build, scenario, settings);
  let violations = checkRun(outcome, options.invariants ?? INVARIANTS, checkSettings(options));
  const open = unknown(violations);
  if (open.length > 0 && open.every((v) => collectorBound(v, scenario))) {
    // C7 is best effort by nature: the collector decides when a stage goes. A missing
    // report, or a timer of a dropped stream still running (its safety net may have begun
    // a close just then), counts only when a second run of the same scenario has it too.
    outcome.timeline.end();
    outcome = await runScenario(build, scenario, settings);
    violations = checkRun(outcome, options.invariants ?? INVARIANTS, checkSettings(options));
  }
  const observation = observe(outcome);
  for (const check of checks) {
    try {
      for (const message of await check.after(observation)) violations.push({ invariant: check.name, message });
    } catch (error) {
      violations.push({ invariant: check.name, message: `the check threw ${describeError(error)}` });
    }
  }
  // The verdict is taken: nothing the scenario parked may outlive it (see Timeline.end).
  outcome.timeline.end();
  return violations.filter((violation) => {
    const issue = issues.find((i) => i.matches(violation, scenario));
    if (issue === undefined) return true;
    known[issue.name] = (known[issue.name] ?? 0) + 1;
    return false;
  });
}

/** A violation whose verdict depends on when the collector ran (the stream was dropped). */
function collectorBound(violation: Violation, scenario: Scenario): boolean {
  return violation.invariant === 'abandonment' || (violation.invariant === 'timers-cleared' && abandons(scenario.consumer.end));
}

/**
 * Run one scenario (from a {@link ContractError}, or written by hand) and return every
 * broken invariant: the way to keep a failure as a regression test. Pass `'pipeline'` as
 * the target to run the scenario's generated pipeline (built-in stage kinds plus
 * `options.stages`).
 *
 * @param target - The subject, or `'pipeline'`.
 * @param scenario - The scenario to run.
 * @param options - The options the failure was found with (sources, invariants, stages).
 * @returns The violations; empty when the scenario passes.
 * @example
 * ```ts
 * import { aclosing } from 'iterscope';
 * import { checkScenario } from 'iterscope/testing';
 *
 * const violations = await checkScenario(({ source, signal }) => aclosing(source, { signal }), {
 *   sources: [{ kind: 'async', items: 3, parkAt: 1 }],
 *   stages: [],
 *   consumer: { steps: [{ op: 'next' }, { op: 'pending-next' }], end: 'return' },
 *   seed: 1,
 * });
 * console.log(violations); // []
 * ```
 */
export async function checkScenario(
  target: Subject | 'pipeline',
  scenario: Scenario,
  options?: ContractOptions & Pick<PipelineOptions, 'stages' | 'builtins'>,
): Promise<Violation[]> {
  const build: Build =
    target === 'pipeline'
      ? pipelineBuild([...(options?.builtins === false ? [] : builtinStages()), ...(options?.stages ?? [])])
      : (input) => target(input);
  const stopWatching = watchUnhandled();
  try {
    return await examineScenario(build, scenario, options ?? {}, runSettings(options ?? {}, options?.sources));
  } finally {
    stopWatching();
  }
}

function observe(run: ScenarioRun): ScenarioObservation {
  const script = run.scenario.consumer;
  const abort = run.abort;
  // The first next() that ended the stream for the consumer says how it ended.
  const lastNext = run.calls
    .filter((c) => c.kind === 'next' && c.outcome !== 'value' && c.settledSeq !== undefined)
    .sort((a, b) => (a.settledSeq ?? 0) - (b.settledSeq ?? 0))[0];
  const firstClose = run.calls.find((c) => c.kind !== 'next');
  let expected: ScenarioObservation['expectedOutcome'] = 'unknown';
  const abortFirst = abort !== undefined && (firstClose === undefined || abort.seq < firstClose.calledSeq) &&
    (lastNext?.settledSeq === undefined || abort.seq < lastNext.settledSeq || lastNext.closedBy === 'abort');
  if (abortFirst && !(lastNext?.outcome === 'done' && lastNext.closedBy === undefined)) expected = 'aborted';
  else if (firstClose !== undefined && (lastNext === undefined || firstClose.calledSeq < (lastNext.settledSeq ?? Infinity))) {
    expected = firstClose.kind === 'throw' ? 'error' : 'cancelled';
  } else if (lastNext !== undefined) expected = lastNext.outcome === 'done' ? 'completed' : 'error';
  else if (abandons(script.end)) expected = run.abandonment?.reported === true ? 'abandoned' : 'unknown';
  return {
    scenario: run.scenario,
    expectedOutcome: expected,
    thrownIn: expected === 'error' && firstClose?.kind === 'throw',
    abortReason: abort?.reason,
    aborted: abort !== undefined,
    collected: run.abandonment?.gcAvailable === true && run.abandonment.expected,
  };
}

function formatReport(
  violations: readonly Violation[],
  scenario: Scenario,
  seed: number,
  path: string,
  runs: number,
  shrinks: number,
  thrown: unknown,
  notAgain: boolean,
): string {
  const lines = [
    `iterscope/testing: the contract was broken (scenario ${String(runs)}, shrunk ${String(shrinks)} times).`,
    '',
    'Broken invariants:',
  ];
  if (notAgain) lines.push('  (seen in the failing run; the same scenario passed when run again: the subject, or something it waits on, behaves differently from run to run)');
  if (violations.length === 0) lines.push(`  (the scenario threw: ${describeError(thrown)})`);
  for (const v of violations) lines.push(`  - ${v.invariant}: ${v.message}`);
  lines.push('', 'Scenario:', ...describeScenario(scenario).map((l) => `  ${l}`));
  lines.push('', `Replay: pass { seed: ${String(seed)}, path: ${JSON.stringify(path)} } in the options.`);
  return lines.join('\n');
}

/**
 * A scenario in a few readable lines.
 *
 * @param scenario - The scenario to describe.
 * @returns One line per source, one for the pipeline, one for the consumer.
 * @example
 * ```ts
 * import { describeScenario } from 'iterscope/testing';
 * console.log(describeScenario({
 *   sources: [{ items: 2, parkAt: 1 }],
 *   stages: [{ kind: 'map', variant: 0 }],
 *   consumer: { steps: [{ op: 'pending-next' }], end: 'return' },
 *   seed: 1,
 * }).join('\n'));
 * ```
 */
export function describeScenario(scenario: Scenario): string[] {
  const lines = scenario.sources.map((spec, i) => {
    const parts = [`${spec.kind ?? 'async'} ${spec.given ?? 'iterable'}, ${String(spec.items ?? 3)} items`];
    if (spec.parkAt !== undefined) parts.push(`parks at step ${String(spec.parkAt)} ${spec.parkTicks === undefined ? 'until released' : `for ${String(spec.parkTicks)} ticks`}`);
    if (spec.throwAt !== undefined) parts.push(`next() throws at step ${String(spec.throwAt)}`);
    if (spec.returnThrows === true) parts.push('return() throws');
    if (spec.returnParks === true) parts.push('return() parks');
    if ((spec.returnTicks ?? 0) > 0) parts.push(`return() takes ${String(spec.returnTicks)} ticks`);
    if (spec.signal === 'honour') parts.push('honours the signal');
    if (spec.settleOnReturn === true) parts.push('return() settles a parked next()');
    if ((spec.jitter ?? 0) > 0) parts.push(`jitter ${String(spec.jitter)}`);
    return `source ${String(i)}: ${parts.join('; ')}`;
  });
  if (scenario.stages.length > 0) {
    lines.push(`pipeline (innermost first): ${scenario.stages.map((s) => `${s.kind}(${String(s.variant)})`).join(' -> ')}`);
  }
  const c = scenario.consumer;
  const steps = c.steps.map((s) => (s.op === 'nexts' ? `${String(s.count)} concurrent nexts` : s.op === 'wait' ? `wait ${String(s.ticks)}` : s.op));
  lines.push(`consumer: ${steps.length === 0 ? '(no reads)' : steps.join(', ')}; then ${c.end}`);
  if (c.abortAt !== undefined) lines.push(`abort at tick ${String(c.abortAt)} with ${c.abortReason === 'object' ? 'a plain object' : 'an Error'} as the reason`);
  lines.push(`jitter seed: ${String(scenario.seed)}`);
  return lines;
}
