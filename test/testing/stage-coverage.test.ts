/**
 * Every stage kind really appears in the scenarios one CI run generates: the random
 * pipelines (1,600, every built-in kind) plus the newer operators' own run (600, with take
 * and map). A kind that is registered but rarely drawn is a check that cannot fail.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { builtinStages, scenarios, type Scenario } from 'iterscope/testing';
import { operatorStages } from '../../src/testing/operator-stage-kinds.js';

const MIN_SCENARIOS = 120;

function countKinds(sample: readonly Scenario[], into: Map<string, number>): void {
  for (const scenario of sample) {
    for (const kind of new Set(scenario.stages.map((stage) => stage.kind))) into.set(kind, (into.get(kind) ?? 0) + 1);
  }
}

describe('every stage kind is generated', () => {
  it(`each appears in at least ${String(MIN_SCENARIOS)} of the scenarios a CI run generates`, () => {
    const counts = new Map<string, number>();
    const all = builtinStages().map((kind) => kind.name);
    countKinds(fc.sample(scenarios({ stageKinds: all }), { numRuns: 1_600, seed: 20_261_201 }), counts);
    const newer = [...operatorStages().map((kind) => kind.name), 'take', 'map'];
    countKinds(fc.sample(scenarios({ stageKinds: newer }), { numRuns: 600, seed: 20_261_202 }), counts);
    const rare = all.filter((name) => (counts.get(name) ?? 0) < MIN_SCENARIOS).map((name) => `${name}: ${String(counts.get(name) ?? 0)}`);
    if (process.env['ITERSCOPE_COVERAGE_PRINT'] !== undefined) console.log([...counts].map(([k, n]) => `${k}: ${String(n)}`).join('\n'));
    expect(rare).toEqual([]);
    for (const name of ['switchMap', 'share', 'tee', 'debounce', 'batchTime']) expect(all).toContain(name);
  });
});
