/**
 * share: the last consumer dropped unfinished is collected (C7), and its leaving closes the
 * source: a close error is reported under the sharing's name, and the sharing's close
 * deadline still bounds a source that never closes.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { share } from 'iterscope';
import { collectUntil, gc } from '../helpers/collect.js';
import { probe, recordReports, settleAll, type Probe } from '../helpers/probe.js';

let recorded: ReturnType<typeof recordReports>;
beforeEach(() => {
  recorded = recordReports();
});
afterEach(() => {
  recorded.stop();
});

/** Read one item through a consumer, then drop it unfinished. */
async function readOneAndDrop(src: Probe, closeTimeout?: number): Promise<void> {
  const consumer = share(src, { closeTimeout })[Symbol.asyncIterator]();
  expect(await consumer.next()).toEqual({ done: false, value: 0 });
}

const types = (): string[] => recorded.reports.map((r) => r.type);

describe.runIf(gc !== undefined)('share: the last consumer collected', () => {
  it('C5: the source close it starts fails: reported as a cleanup error of the sharing', async () => {
    const closeError = new Error('close failed');
    const src = probe({ returnError: closeError });
    await readOneAndDrop(src);
    await collectUntil(() => types().includes('cleanup-error'));
    expect(src.calls.return).toBe(1);
    expect(recorded.reports).toContainEqual({ type: 'cleanup-error', stage: 'share', error: closeError });
  });

  it('C2: the close it starts waits for a source that closes on a later turn: nothing reported but the leak', async () => {
    const state = { closed: false };
    let n = 0;
    const src: AsyncIterator<number> = {
      next: () => Promise.resolve({ done: false, value: n++ }),
      return: () =>
        new Promise((resolve) =>
          setTimeout(() => {
            state.closed = true;
            resolve({ done: true, value: undefined });
          }, 20),
        ),
    };
    await (async () => {
      const consumer = share(src)[Symbol.asyncIterator]();
      expect(await consumer.next()).toEqual({ done: false, value: 0 });
    })();
    await collectUntil(() => types().length > 0);
    for (let i = 0; i < 200 && !state.closed; i++) await new Promise((resolve) => setTimeout(resolve, 5));
    await settleAll();
    expect(types()).toEqual(['abandoned']);
  });

  it('one of two consumers collected: it leaves, the other reads on, and the source stays open', async () => {
    const src = probe();
    const shared = share(src);
    const kept = shared[Symbol.asyncIterator]();
    await (async () => {
      const dropped = shared[Symbol.asyncIterator]();
      await Promise.all([dropped.next(), kept.next()]);
    })();
    await collectUntil(() => types().length > 0);
    await settleAll();
    expect(recorded.reports).toEqual([{ type: 'abandoned', stage: 'share', createdAt: undefined }]);
    expect(await kept.next()).toEqual({ done: false, value: 1 });
    expect(src.calls.return).toBe(0);
    await kept.return();
    expect(src.calls.return).toBe(1);
  });

  it("C2: the sharing's closeTimeout bounds the close of a source that never closes", async () => {
    const src = probe({ returnParks: true });
    await readOneAndDrop(src, 5);
    await collectUntil(() => src.calls.return > 0);
    expect(src.calls.return).toBe(1);
    // The deadline passes 5 ms after the close began: the source is reported as a straggler.
    for (let i = 0; i < 200 && !types().includes('straggler'); i++) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(types()).toContain('straggler');
  });
});
