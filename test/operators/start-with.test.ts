import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { abortable, pipe, startWith, take, toArray } from 'iterscope';
import { contractSuite } from '../helpers/contract.js';
import { probe, probeIterable, recordReports } from '../helpers/probe.js';
import { collectUntil } from '../helpers/collect.js';

let recorded: ReturnType<typeof recordReports>;
beforeEach(() => {
  recorded = recordReports();
});
afterEach(() => {
  recorded.stop();
});

contractSuite('startWith', {
  make: (source, options) =>
    options?.signal === undefined ? pipe(source, startWith<number>()) : pipe(source, startWith<number>(), abortable(options.signal)),
});

describe('startWith', () => {
  it('passes the values first, then the source', async () => {
    expect(await toArray(pipe([3, 4], startWith(1, 2)))).toEqual([1, 2, 3, 4]);
  });

  it('C1: a consumer that stops within the values never opens the source', async () => {
    const src = probeIterable({ items: 3 });
    expect(await toArray(pipe(src, startWith(-2, -1), take(2)))).toEqual([-2, -1]);
    expect(src.opened).toHaveLength(0);
  });

  it('C1: an iterator source is closed once when the consumer stops within the values', async () => {
    const src = probe();
    expect(await toArray(pipe(src, startWith(-1), take(1)))).toEqual([-1]);
    expect(src.calls).toEqual({ next: 0, return: 1, throw: 0 });
  });

  it('C7: dropped unfinished, it is reported under its own name', async () => {
    await (async () => {
      const stage = pipe(probe(), startWith(-1));
      await stage.next();
      await stage.next(); // the source is open now
    })();
    const abandoned = (): unknown[] => recorded.reports.filter((r) => r.type === 'abandoned');
    await collectUntil(() => abandoned().length > 0);
    expect(abandoned()).toEqual([{ type: 'abandoned', stage: 'startWith', createdAt: undefined }]);
  });

  it('answers concurrent next() calls in order', async () => {
    const stage = pipe(probe({ items: 2 }), startWith(-1));
    const results = await Promise.all([stage.next(), stage.next(), stage.next(), stage.next()]);
    expect(results.map((r) => r.value)).toEqual([-1, 0, 1, undefined]);
  });
});
