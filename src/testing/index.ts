/**
 * `iterscope/testing`: a property-test harness that attacks closing. Check your own async
 * iterators and generators against iterscope's closing contract (CONTRACT.md, C1-C7) with
 * instrumented sources, generated consumers and microtask jitter; works in vitest, jest
 * and `node:test`.
 *
 * @packageDocumentation
 */
export { checkContract, checkPipelines, checkScenario, describeScenario, type ContractOptions, type KnownIssue, type PipelineOptions, type ContractSummary } from './check-contract.js';
export { ContractError } from './contract-error.js';
export { INVARIANTS, type InvariantName, type Violation } from './invariants.js';
export type { ScenarioCheck, ScenarioObservation } from './check.js';
export { probe, type Probe, type ProbeSpec, type ProbeOptions, type ProbeSource } from './probe.js';
export { ProbeError } from './probe-error.js';
export { Timeline, type NodeRecord, type TimelineEvent, type EventType } from './timeline.js';
export { ticks, randomSource } from './ticks.js';
export { probeSpecs, consumerScripts, pipelines, scenarios, type ArbitraryOptions } from './arbitraries.js';
export { stageKind, type StageKind, type StageContext, type GeneratorHooks, type PipelineSource } from './stage-kind.js';
export { builtinStages } from './builtin-stages.js';
export { abandons, type Scenario, type StageSpec, type ConsumerScript, type ConsumerStep, type ConsumerEnd, type SubjectInput, type Subject } from './scenario.js';
export { spanCheck, type SpanCheckOptions, type SpanLike } from './span-check.js';
