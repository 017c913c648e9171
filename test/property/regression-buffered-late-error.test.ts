/**
 * A contract violation the property suite found in iterscope, kept as the shrunk scenario
 * that showed it: it fails on the code before the fix.
 */
import { describe, expect, it } from 'vitest';
import { checkScenario, type Scenario } from 'iterscope/testing';

describe('regression: buffered dropped a read-ahead error that arrived after it closed (C5)', () => {
  it('buffered as the losing side of a race: the source error is reported', async () => {
    // Found with checkPipelines: buffered -> race -> map. The race's other side finished
    // first and closed buffered while its read-ahead was in flight; that read then
    // rejected (the generator's finally threw) and buffered dropped the error.
    const scenario: Scenario = {
      sources: [
        { kind: 'generator', items: 0, returnThrows: true },
        { kind: 'async', items: 0 },
      ],
      stages: [
        { kind: 'buffered', variant: 0 },
        { kind: 'race', variant: 0 },
        { kind: 'map', variant: 0 },
      ],
      consumer: { steps: [], end: 'drain' },
      seed: 0,
    };
    expect(await checkScenario('pipeline', scenario, { invariants: ['no-error-lost'] })).toEqual([]);
  });
});
