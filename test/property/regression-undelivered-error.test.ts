/**
 * A contract violation the property suite found in iterscope, kept as the shrunk scenario
 * that showed it: it fails on the code before the fix.
 */
import { describe, expect, it } from 'vitest';
import { checkScenario, type Scenario } from 'iterscope/testing';

describe('regression: a stage that stopped with an error while nobody waited lost it (C5)', () => {
  it('flatMap whose fn throws on an item read ahead: the error reaches the consumer', async () => {
    // Found with checkPipelines: flatMap (concurrency 2) read the next outer item while
    // the consumer was not waiting; fn threw, the stage stopped, and the next next()
    // resolved done: the error was lost and done came before the source finished closing.
    const scenario: Scenario = {
      sources: [{ kind: 'async', items: 2 }, { kind: 'async', items: 1 }],
      stages: [{ kind: 'flatMap', variant: 7 }, { kind: 'map', variant: 0 }],
      consumer: { steps: [], end: 'drain' },
      seed: 0,
    };
    expect(await checkScenario('pipeline', scenario)).toEqual([]);
  });
});
