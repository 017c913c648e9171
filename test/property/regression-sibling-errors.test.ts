/**
 * A contract violation the property suite found in iterscope, kept as the shrunk scenario
 * that showed it: it fails on the code before the fix.
 */
import { describe, expect, it } from 'vitest';
import { checkScenario, type Scenario } from 'iterscope/testing';

describe('regression: a sibling error after the stage stopped was dropped (C5)', () => {
  // Found with checkPipelines: merge(a, b) where both next() calls reject. The first
  // error reached the consumer; the second arrived after merge had stopped and was
  // dropped without a report. zip and race dropped it the same way.
  const bothFail = (kind: string): Scenario => ({
    sources: [
      { kind: 'async', items: 0, throwAt: 0 },
      { kind: 'async', items: 0, throwAt: 0 },
    ],
    stages: [{ kind, variant: 0 }],
    consumer: { steps: [], end: 'drain' },
    seed: 0,
  });

  for (const kind of ['merge', 'zip', 'race']) {
    it(`${kind}: both errors reach the consumer or onReport`, async () => {
      expect(await checkScenario('pipeline', bothFail(kind), { invariants: ['no-error-lost'] })).toEqual([]);
    });
  }

  it('flatMap: the outer source failing after the consumer threw in is reported', async () => {
    // Found with checkPipelines: flatMap (unbounded concurrency) reading ahead from the
    // outer source; its next() rejected after throw() had stopped the stage.
    const scenario: Scenario = {
      sources: [{ kind: 'async', items: 3, throwAt: 3 }, { kind: 'async', items: 1 }],
      stages: [{ kind: 'flatMap', variant: 2 }],
      consumer: { steps: [{ op: 'next' }, { op: 'next' }, { op: 'next' }], end: 'throw' },
      seed: 0,
    };
    expect(await checkScenario('pipeline', scenario, { invariants: ['no-error-lost'] })).toEqual([]);
  });
});
