/**
 * A contract violation the property suite found in iterscope, kept as the shrunk scenario
 * that showed it: it fails on the code before the fix.
 */
import { describe, expect, it } from 'vitest';
import { checkScenario, type Scenario } from 'iterscope/testing';

describe('regression: a sync source was closed twice after a rejected item (C1)', () => {
  it('map over a sync iterable whose item rejects, closed while that read is in flight', async () => {
    // Found with checkPipelines: the adapter closed the sync iterator after the rejected
    // item, and the stage, closed by the consumer while that read was pending, closed it again.
    const scenario: Scenario = {
      sources: [{ kind: 'sync', items: 0, throwAt: 0 }],
      stages: [{ kind: 'map', variant: 0 }],
      consumer: { steps: [{ op: 'pending-next' }], end: 'return' },
      seed: 0,
    };
    expect(await checkScenario('pipeline', scenario, { invariants: ['closed-once'] })).toEqual([]);
  });
});
