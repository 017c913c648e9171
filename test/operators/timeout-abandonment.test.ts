import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pipe, timeout } from 'iterscope';
import { recordReports } from '../helpers/probe.js';

let recorded: ReturnType<typeof recordReports>;
beforeEach(() => {
  recorded = recordReports();
});
afterEach(() => {
  recorded.stop();
});

describe('timeout: abandonment', () => {
  it('C7: a stage dropped while its timer runs is collected and reported, not kept alive by the timer', async () => {
    const gc = (globalThis as { gc?: () => void }).gc;
    expect(typeof gc).toBe('function');
    ((): void => {
      const never = { [Symbol.asyncIterator]: () => ({ next: () => new Promise<IteratorResult<number>>(() => undefined) }) };
      void pipe(never, timeout(60_000)).next();
    })();
    // Only this test's stage: a stage an earlier test let go of may be collected now too
    // (the runtime matrix runs every file in one process).
    const mine = (): string[] => recorded.reports.filter((r) => r.stage === 'timeout').map((r) => `${r.type} ${r.stage}`);
    for (let i = 0; i < 10 && mine().length === 0; i++) {
      await new Promise((resolve) => setImmediate(resolve));
      gc?.();
    }
    expect(mine()).toEqual(['abandoned timeout']);
  });
});
