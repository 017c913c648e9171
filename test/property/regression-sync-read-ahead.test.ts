/**
 * A contract violation the property suite found in iterscope, kept as the shrunk scenario
 * that showed it: it fails on the code before the fix.
 */
import { describe, expect, it } from 'vitest';
import { checkScenario, type Scenario } from 'iterscope/testing';

describe('regression: buffered read a sync source after the adapter had closed it (C1)', () => {
  it('buffered(2) over a sync iterable whose second item rejects', async () => {
    // Found with checkPipelines: buffered -> map. Two reads ahead; the second item's
    // promise rejected and the sync adapter closed the iterator (as `for await` does);
    // delivering the first item read ahead again, before buffered had seen the rejection,
    // and the adapter passed that read on to the closed iterator.
    const scenario: Scenario = {
      sources: [
        { kind: 'sync', items: 1, throwAt: 1, signal: 'honour', jitter: 1 },
        { kind: 'async', items: 0, signal: 'honour' },
      ],
      stages: [
        { kind: 'buffered', variant: 1 },
        { kind: 'map', variant: 0 },
      ],
      consumer: { steps: [], end: 'drain' },
      seed: -504797606,
    };
    expect(await checkScenario('pipeline', scenario, { invariants: ['closed-once'] })).toEqual([]);
  });
});
