/**
 * The generator covers the space: every feature the invariants exist for appears in a
 * useful share of generated scenarios. A feature that is never generated is a check that
 * cannot fail (parks and aborts were once generated in 0 of 1,000 scenarios).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { scenarios, type ProbeSpec, type Scenario } from 'iterscope/testing';

const SAMPLES = 2_000;
const MIN_SHARE = 0.05;

/** The steps a source really reaches: a throw or `done` ends it. */
const reaches = (spec: ProbeSpec, step: number | undefined): boolean =>
  step !== undefined && step <= (spec.items ?? 3) && (spec.throwAt === undefined || step <= spec.throwAt);
const parks = (spec: ProbeSpec): boolean => reaches(spec, spec.parkAt);
const parksUntilReleased = (spec: ProbeSpec): boolean => parks(spec) && spec.parkTicks === undefined;
const first = (s: Scenario): ProbeSpec => s.sources[0] ?? {};

/** Index (from 0) of each read the consumer leaves pending, before its end. */
function pendingReads(s: Scenario): number[] {
  const out: number[] = [];
  let read = 0;
  for (const step of s.consumer.steps) {
    if (step.op === 'next') read++;
    else if (step.op === 'nexts') read += step.count;
    else if (step.op === 'pending-next') out.push(read++);
  }
  return out;
}
const aborts = (s: Scenario): boolean => s.consumer.abortAt !== undefined;

export const FEATURES: Record<string, (s: Scenario) => boolean> = {
  'a next() parks until released': (s) => s.sources.some(parksUntilReleased),
  'a next() parks for n ticks': (s) => s.sources.some((spec) => parks(spec) && (spec.parkTicks ?? 0) > 0),
  'abort with an Error': (s) => aborts(s) && s.consumer.abortReason === 'error',
  'abort with a plain object': (s) => aborts(s) && s.consumer.abortReason === 'object',
  'abort while a next() is pending': (s) => aborts(s) && (pendingReads(s).length > 0 || parksUntilReleased(first(s))),
  'next() throws': (s) => s.sources.some((spec) => reaches(spec, spec.throwAt) && spec.throwAt !== undefined && spec.throwAt < (spec.items ?? 3)),
  'return() throws': (s) => s.sources.some((spec) => spec.returnThrows === true),
  'return() parks': (s) => s.sources.some((spec) => spec.returnParks === true),
  'return() is slow': (s) => s.sources.some((spec) => (spec.returnTicks ?? 0) > 0),
  'the consumer drains': (s) => s.consumer.end === 'drain',
  'the consumer returns': (s) => s.consumer.end === 'return',
  'the loop body throws': (s) => s.consumer.end === 'body-throw',
  'the consumer throws in': (s) => s.consumer.end === 'throw',
  'the consumer abandons': (s) => s.consumer.end === 'abandon',
  'an async source': (s) => first(s).kind === 'async',
  'an async generator source': (s) => first(s).kind === 'generator',
  'a sync source': (s) => first(s).kind === 'sync',
  'an iterator is given': (s) => first(s).given === 'iterator',
  'an iterable is given': (s) => first(s).given === 'iterable',
  'concurrent next()s': (s) => s.consumer.steps.some((step) => step.op === 'nexts'),
  // The shape that finds a return() queued behind a parked read (async generators, IxJS):
  // a read left pending on a source parked until released, then return().
  'return() or throw() while a read is parked': (s) =>
    ['return', 'throw', 'body-throw'].includes(s.consumer.end) && !aborts(s) && parksUntilReleased(first(s)) && pendingReads(s).includes(first(s).parkAt ?? -1),
  'the consumer abandons while a read is parked': (s) => s.consumer.end === 'abandon-parked' && s.sources.some(parksUntilReleased) && !aborts(s),
};

/** The share of `sample` in which each feature appears. */
export function coverage(sample: readonly Scenario[]): Record<string, number> {
  return Object.fromEntries(Object.entries(FEATURES).map(([name, has]) => [name, sample.filter(has).length / sample.length]));
}

describe('generated scenarios cover every feature', () => {
  it(`each feature appears in at least ${String(MIN_SHARE * 100)}% of ${String(SAMPLES)} scenarios`, () => {
    const sample = fc.sample(scenarios({ sources: 1 }), { numRuns: SAMPLES, seed: 20_261_130 });
    const shares = coverage(sample);
    const rare = Object.entries(shares).filter(([, share]) => share < MIN_SHARE);
    if (process.env['ITERSCOPE_COVERAGE_PRINT'] !== undefined) {
      console.log(Object.entries(shares).map(([n, v]) => `${n}: ${(v * 100).toFixed(1)}%`).join('\n'));
    }
    expect(rare).toEqual([]);
  });
});
