/**
 * A contract violation the property suite found in iterscope, kept as the shrunk scenario
 * that showed it: it fails on the code before the fix.
 */
import { describe, expect, it } from 'vitest';
import { checkScenario, type Scenario } from 'iterscope/testing';

describe('regression: closing a stage discarded an error nobody had asked for (C5)', () => {
  it('flatMap fails reading ahead, then the consumer closes: the error is reported', async () => {
    // Found with checkPipelines: flatMap -> merge -> flatMap(fn throws on item 1) -> map;
    // the consumer read one item and closed; the read-ahead error was dropped.
    const scenario: Scenario = {
      sources: [{ kind: 'async', items: 1 }],
      stages: [
        { kind: 'flatMap', variant: 0 },
        { kind: 'merge', variant: 0 },
        { kind: 'flatMap', variant: 7 },
        { kind: 'map', variant: 0 },
      ],
      consumer: { steps: [{ op: 'next' }], end: 'return' },
      seed: 0,
    };
    expect(await checkScenario('pipeline', scenario, { invariants: ['no-error-lost'] })).toEqual([]);
  });
});
