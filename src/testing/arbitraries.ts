/**
 * fast-check arbitraries for scenarios: sources that misbehave in every documented way,
 * pipelines of stage kinds, and consumers that read, close, throw, abort and abandon.
 */
import type * as FastCheck from 'fast-check';
import type { Arbitrary } from 'fast-check';
import { fastCheck } from './fast-check.js';
import type { ProbeSpec } from './probe.js';
import type { ConsumerEnd, ConsumerScript, ConsumerStep, Scenario, StageSpec } from './scenario.js';

/**
 * What to generate. Every field is optional.
 *
 * @example
 * ```ts
 * import type { ArbitraryOptions } from 'iterscope/testing';
 * const options: ArbitraryOptions = { sourceKinds: ['async', 'generator'], abort: false };
 * console.log(options.abort);
 * ```
 */
export interface ArbitraryOptions {
  /** Which kinds of source to generate. Default all three. */
  readonly sourceKinds?: readonly ('async' | 'generator' | 'sync')[] | undefined;
  /** How the consumer may end. Default all. */
  readonly ends?: readonly ConsumerEnd[] | undefined;
  /** Generate aborts (the subject must pass the signal on). Default true. */
  readonly abort?: boolean | undefined;
  /** How many sources the subject takes. Default 1. */
  readonly sources?: number | undefined;
  /** The stage kinds a pipeline is drawn from (names). Empty: no pipeline. */
  readonly stageKinds?: readonly string[] | undefined;
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
 * `arb` half of the time, `undefined` the other half. fast-check's `freq` is the inverse
 * of the chance of `undefined`: `freq: 1` gives `undefined` every time, and a feature
 * behind it is never generated (test/testing/coverage.test.ts keeps every one in play).
 */
const optional = <T>(fc: typeof FastCheck, arb: Arbitrary<T>): Arbitrary<T | undefined> => fc.option(arb, { nil: undefined, freq: 2 });

/**
 * Source behaviours: how many items, where a step parks (for some ticks or until
 * released), where `next()` throws, whether `return()` throws, parks or is slow, whether
 * the signal is honoured, and the jitter.
 *
 * @param options - `sourceKinds` to restrict the kinds.
 * @returns An arbitrary of {@link ProbeSpec}.
 * @example
 * ```ts
 * import fc from 'fast-check';
 * import { probeSpecs } from 'iterscope/testing';
 * const [spec] = fc.sample(probeSpecs(), { numRuns: 1, seed: 1 });
 * console.log(typeof spec?.items);
 * ```
 */
export function probeSpecs(options?: ArbitraryOptions): Arbitrary<ProbeSpec> {
  const fc = fastCheck('probeSpecs()');
  const kinds = options?.sourceKinds ?? ['async', 'generator', 'sync'];
  return fc.record({
    kind: fc.constantFrom(...kinds),
    given: fc.constantFrom('iterable' as const, 'iterator' as const),
    items: fc.nat(5),
    parkAt: optional(fc, fc.nat(5)),
    parkTicks: optional(fc, fc.nat(8)),
    throwAt: optional(fc, fc.nat(6)),
    returnThrows: fc.boolean(),
    returnTicks: fc.nat(3),
    returnParks: fc.boolean(),
    signal: fc.constantFrom('honour' as const, 'ignore' as const),
    settleOnReturn: fc.boolean(),
    jitter: fc.nat(3),
  });
}

/**
 * Consumer scripts: some reads (single, concurrent, left pending, with waits between),
 * then an end (drain, return, a throwing loop body, throw, abandon), and maybe an abort
 * with a reason at a random tick.
 *
 * @param options - `ends` and `abort` to restrict what is generated.
 * @returns An arbitrary of {@link ConsumerScript}.
 * @example
 * ```ts
 * import fc from 'fast-check';
 * import { consumerScripts } from 'iterscope/testing';
 * const [script] = fc.sample(consumerScripts({ abort: false }), { numRuns: 1, seed: 1 });
 * console.log(script?.abortAt); // undefined
 * ```
 */
export function consumerScripts(options?: ArbitraryOptions): Arbitrary<ConsumerScript> {
  const fc = fastCheck('consumerScripts()');
  const step: Arbitrary<ConsumerStep> = fc.oneof(
    { arbitrary: fc.constant({ op: 'next' as const }), weight: 4 },
    { arbitrary: fc.record({ op: fc.constant('nexts' as const), count: fc.integer({ min: 2, max: 4 }) }), weight: 1 },
    { arbitrary: fc.constant({ op: 'pending-next' as const }), weight: 2 },
    { arbitrary: fc.record({ op: fc.constant('wait' as const), ticks: fc.nat(8) }), weight: 1 },
  );
  const ends = options?.ends ?? (['drain', 'return', 'body-throw', 'throw', 'abandon', 'abandon-parked'] as const);
  const abort = options?.abort ?? true;
  return fc.record({
    steps: fc.array(step, { maxLength: 6 }),
    end: fc.constantFrom(...ends),
    abortAt: abort ? optional(fc, fc.nat(40)) : fc.constant(undefined),
    abortReason: fc.constantFrom('error' as const, 'object' as const),
  });
}

/**
 * Pipelines: 1 to 8 stages drawn from the named kinds, each with a variant.
 *
 * @param kinds - Stage kind names to draw from.
 * @param depth - Minimum and maximum number of stages. Default 1 to 8.
 * @returns An arbitrary of stage lists, innermost first.
 * @example
 * ```ts
 * import fc from 'fast-check';
 * import { pipelines } from 'iterscope/testing';
 * const [stages] = fc.sample(pipelines(['map', 'take']), { numRuns: 1, seed: 3 });
 * console.log(stages?.map((s) => s.kind));
 * ```
 */
export function pipelines(kinds: readonly string[], depth?: { readonly min: number; readonly max: number }): Arbitrary<StageSpec[]> {
  const fc = fastCheck('pipelines()');
  return fc.array(fc.record({ kind: fc.constantFrom(...kinds), variant: fc.nat(15) }), {
    minLength: depth?.min ?? 1,
    maxLength: depth?.max ?? 8,
  });
}

/**
 * Whole scenarios: the subject's sources plus a small pool for sources made on demand, a
 * pipeline when `stageKinds` is given, a consumer script and a jitter seed.
 *
 * @param options - What to generate.
 * @returns An arbitrary of {@link Scenario}.
 * @example
 * ```ts
 * import fc from 'fast-check';
 * import { scenarios } from 'iterscope/testing';
 * const [scenario] = fc.sample(scenarios({ sources: 2 }), { numRuns: 1, seed: 5 });
 * console.log(scenario?.sources.length !== undefined);
 * ```
 */
export function scenarios(options?: ArbitraryOptions): Arbitrary<Scenario> {
  const fc = fastCheck('scenarios()');
  const count = Math.max(1, options?.sources ?? 1);
  const kinds = options?.stageKinds ?? [];
  return fc
    .record({
      sources: fc.array(probeSpecs(options), { minLength: count, maxLength: count + 2 }),
      stages: kinds.length === 0 ? fc.constant([]) : pipelines(kinds, options?.depth),
      consumer: consumerScripts(options),
      seed: fc.integer(),
    })
    .map(parkForAbandonment)
    .map(parkPendingRead);
}

/** The consumer's reads it leaves pending (`pending-next`), by read index. */
function pendingReadIndexes(script: ConsumerScript): number[] {
  const out: number[] = [];
  let read = 0;
  for (const step of script.steps) {
    if (step.op === 'next') read++;
    else if (step.op === 'nexts') read += step.count;
    else if (step.op === 'pending-next') out.push(read++);
  }
  return out;
}

/**
 * The case the whole contract started from: `return()` (or `throw()`) while a read is
 * parked on a source that will not answer by itself (an async generator queues its
 * `return()` behind it). Drawn independently, a pending read that lands on the park is
 * rare (0.4% of scenarios); in three of four scenarios that end by closing with a read
 * left pending (by the seed's low bits), the first source parks exactly at that read.
 */
function parkPendingRead(scenario: Scenario): Scenario {
  const end = scenario.consumer.end;
  if (end !== 'return' && end !== 'throw' && end !== 'body-throw') return scenario;
  if (scenario.consumer.abortAt !== undefined || (scenario.seed & 3) === 0) return scenario;
  const pending = pendingReadIndexes(scenario.consumer);
  const at = pending[pending.length - 1];
  const [first = {}, ...rest] = scenario.sources;
  if (at === undefined || at > (first.items ?? 3) || at > (first.throwAt ?? Infinity)) return scenario;
  return { ...scenario, sources: [{ ...first, parkAt: at, parkTicks: undefined }, ...rest] };
}

/**
 * `abandon-parked` means "dropped while a read is parked": without a source that parks
 * until released, and with an abort that closes the stream first, it would be a plain
 * `abandon`. Make the first source park where it is read, so the case is really played.
 */
function parkForAbandonment(scenario: Scenario): Scenario {
  if (scenario.consumer.end !== 'abandon-parked') return scenario;
  const [first = {}, ...rest] = scenario.sources;
  const parkAt = Math.min(first.parkAt ?? 0, first.items ?? 3, first.throwAt ?? Infinity);
  return {
    ...scenario,
    sources: [{ ...first, parkAt, parkTicks: undefined }, ...rest],
    consumer: { ...scenario.consumer, abortAt: undefined },
  };
}
