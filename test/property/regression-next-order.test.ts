/**
 * A contract violation the property suite found in iterscope, kept as the shrunk scenario
 * that showed it: it fails on the code before the fix.
 */
import { describe, expect, it } from 'vitest';
import { pipe, take, withCleanup } from 'iterscope';
import { checkScenario, type Scenario } from 'iterscope/testing';

describe('regression: a next() during a self-close jumps the queue (C2)', () => {
  it('C2: a next() called while the stage closes on its own is answered after the pending one', async () => {
    // Found with checkPipelines (borrow -> take(0), pending-next then drain): the second
    // next() resolved done at once, before the first one and before the cleanup below ran.
    const scenario: Scenario = {
      sources: [{ kind: 'async', items: 0 }],
      stages: [{ kind: 'borrow', variant: 0 }, { kind: 'take', variant: 0 }],
      consumer: { steps: [{ op: 'pending-next' }], end: 'drain' },
      seed: 0,
    };
    expect(await checkScenario('pipeline', scenario)).toEqual([]);
  });

  it('C2: the same, seen directly: both next() calls wait for the cleanup, in order', async () => {
    const order: string[] = [];
    const stage = pipe(
      [1, 2, 3],
      withCleanup(async () => {
        await Promise.resolve();
        order.push('cleanup');
      }),
      take(0),
    );
    const first = stage.next().then(() => order.push('first'));
    const second = stage.next().then(() => order.push('second'));
    await Promise.all([first, second]);
    expect(order).toEqual(['cleanup', 'first', 'second']);
  });
});
