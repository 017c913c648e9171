/**
 * A contract violation the property suite found in iterscope, kept as the shrunk scenario
 * that showed it: it fails on the code before the fix.
 */
import { describe, expect, it } from 'vitest';
import { checkScenario, type Scenario } from 'iterscope/testing';

describe('regression: buffered dropped an error it had read ahead when it closed (C5)', () => {
  it('the read-ahead error is reported when the consumer closes', async () => {
    // Found with checkPipelines: buffered -> map; the read ahead rejected and waited in the
    // buffer; the consumer's loop body threw (return()) and the buffer was dropped.
    const scenario: Scenario = {
      sources: [{ kind: 'async', items: 2, throwAt: 2 }],
      stages: [{ kind: 'buffered', variant: 0 }, { kind: 'map', variant: 0 }],
      consumer: { steps: [{ op: 'pending-next' }, { op: 'next' }], end: 'body-throw' },
      seed: 0,
    };
    expect(await checkScenario('pipeline', scenario, { invariants: ['no-error-lost'] })).toEqual([]);
  });
});
