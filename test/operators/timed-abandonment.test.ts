import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { batchTime, debounce, pipe, type Operator } from 'iterscope';
import { recordReports, ticks } from '../helpers/probe.js';

let recorded: ReturnType<typeof recordReports>;
beforeEach(() => {
  recorded = recordReports();
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] }); // setImmediate stays real for the gc loop
});
afterEach(() => {
  vi.useRealTimers();
  recorded.stop();
});

describe('debounce and batchTime: abandonment', () => {
  const cases: [string, () => Operator<number, unknown>][] = [
    ['debounce', () => debounce(60_000)],
    ['batchTime', () => batchTime(60_000, 10)],
  ];
  it.each(cases)('C7: %s dropped while its timer runs and a read is parked is collected, reported, and its timer cleared', async (name, make) => {
    const gc = (globalThis as { gc?: () => void }).gc;
    expect(typeof gc).toBe('function');
    // Nothing outside this function holds the stage or its source: a generator that parks
    // on a promise nobody can settle, read ahead while the timer runs.
    await (async () => {
      async function* quiet(): AsyncGenerator<number> {
        yield 1;
        await new Promise(() => undefined);
      }
      void pipe(quiet(), make()).next();
      await ticks(10);
    })();
    expect(vi.getTimerCount()).toBe(1);
    // Only this test's stage: one an earlier test let go of may be collected now too.
    const mine = (): string[] => recorded.reports.filter((r) => r.stage === name).map((r) => `${r.type} ${r.stage}`);
    // Up to 100 collector runs: V8 collects it in the first; Bun, after the whole suite has
    // run, within a few dozen (20 were not always enough).
    for (let i = 0; i < 100 && mine().length === 0; i++) {
      await new Promise((resolve) => setImmediate(resolve));
      gc?.();
    }
    expect(mine()).toEqual([`abandoned ${name}`]);
    expect(vi.getTimerCount()).toBe(0);
  });
});
