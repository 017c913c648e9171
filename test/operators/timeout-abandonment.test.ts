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
    for (let i = 0; i < 10 && !recorded.reports.some((r) => r.type === 'abandoned'); i++) {
      await new Promise((resolve) => setImmediate(resolve));
      gc?.();
    }
    expect(recorded.reports.map((r) => `${r.type} ${r.stage}`)).toEqual(['abandoned timeout']);
  });
});
