/**
 * A contract violation the property suite found in iterscope, kept as the shrunk scenario
 * that showed it: it fails on the code before the fix.
 */
import { describe, expect, it } from 'vitest';
import { checkScenario, type Scenario } from 'iterscope/testing';

describe('regression: a multi-source stage closed a source that had reported done (C1)', () => {
  it('flatMap: the outer source ends while the inner is still closing', async () => {
    // Found with checkPipelines: flatMap(concurrency 2) -> map. The consumer's return()
    // closed the inner first (C4) while the outer's last next() was in flight; that
    // next() answered done during the inner's close, flatMap had stopped reading and
    // dropped the answer without noting it, and then closed the finished outer.
    const scenario: Scenario = {
      sources: [
        { kind: 'generator', items: 2, returnParks: true, signal: 'honour' },
        { kind: 'async', items: 2, signal: 'honour' },
      ],
      stages: [
        { kind: 'flatMap', variant: 1 },
        { kind: 'map', variant: 0 },
      ],
      consumer: { steps: [{ op: 'next' }, { op: 'next' }, { op: 'pending-next' }, { op: 'next' }], end: 'return' },
      seed: 0,
    };
    expect(await checkScenario('pipeline', scenario, { invariants: ['closed-once'] })).toEqual([]);
  });
});
