/**
 * A contract violation the property suite found in iterscope, kept as the shrunk scenario
 * that showed it: it fails on the code before the fix.
 */
import { describe, expect, it } from 'vitest';
import { aclosing } from 'iterscope';
import { checkScenario, type Scenario } from 'iterscope/testing';

describe('regression: the sync adapter drops a close error (C5)', () => {
  it('C5: a sync source whose item rejects and whose return() throws loses no error', async () => {
    // Found with checkContract over aclosing: the sync-iterator adapter closed the sync
    // iterator after the rejected item and dropped the error its return() threw.
    const scenario: Scenario = {
      sources: [{ kind: 'sync', items: 0, throwAt: 0, returnThrows: true }],
      stages: [],
      consumer: { steps: [], end: 'drain' },
      seed: 0,
    };
    const violations = await checkScenario(({ source, signal }) => aclosing(source, { signal }), scenario);
    expect(violations).toEqual([]);
  });
});
