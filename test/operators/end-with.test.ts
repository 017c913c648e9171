import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { abortable, endWith, pipe, take, toArray } from 'iterscope';
import { contractSuite, outcome } from '../helpers/contract.js';
import { probe, recordReports } from '../helpers/probe.js';

let recorded: ReturnType<typeof recordReports>;
beforeEach(() => {
  recorded = recordReports();
});
afterEach(() => {
  recorded.stop();
});

contractSuite('endWith', {
  make: (source, options) =>
    options?.signal === undefined ? pipe(source, endWith<number>()) : pipe(source, endWith<number>(), abortable(options.signal)),
});

describe('endWith', () => {
  it('passes the source, then the values', async () => {
    expect(await toArray(pipe([1, 2], endWith(3, 4)))).toEqual([1, 2, 3, 4]);
  });

  it('C1: a source that reported done is never read again', async () => {
    const src = probe({ items: 1 });
    expect(await toArray(pipe(src, endWith(7, 8, 9)))).toEqual([0, 7, 8, 9]);
    expect(src.calls.next).toBe(2);
  });

  it('C1: a source that ended is not closed when the consumer stops within the values', async () => {
    const src = probe({ items: 1 });
    expect(await toArray(pipe(src, endWith(8, 9), take(2)))).toEqual([0, 8]);
    expect(src.calls.return).toBe(0);
    expect(recorded.reports).toEqual([]);
  });

  it('C1: the consumer stopping before the end closes the source once and skips the values', async () => {
    const src = probe();
    expect(await toArray(pipe(src, endWith(9), take(2)))).toEqual([0, 1]);
    expect(src.calls.return).toBe(1);
  });

  it('a failing source: the error reaches the consumer, the values do not, the source is not closed', async () => {
    const error = new Error('source failed');
    const src = probe({ throwAt: 1, error });
    const stage = pipe(src, endWith(9));
    expect(await stage.next()).toEqual({ done: false, value: 0 });
    expect(await outcome(stage.next())).toEqual({ ok: false, value: error });
    expect(await stage.next()).toEqual({ done: true, value: undefined });
    expect(src.calls.return).toBe(0);
  });

  it('answers concurrent next() calls in order', async () => {
    const stage = pipe(probe({ items: 1 }), endWith(7));
    const results = await Promise.all([stage.next(), stage.next(), stage.next()]);
    expect(results.map((r) => r.value)).toEqual([0, 7, undefined]);
  });
});
