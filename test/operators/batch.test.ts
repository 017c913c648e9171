import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { batch, map, pipe, take, toArray } from 'iterscope';
import { badInputSuite, contractSuite, outcome } from '../helpers/contract.js';
import { probe, recordReports } from '../helpers/probe.js';

let recorded: ReturnType<typeof recordReports>;
beforeEach(() => {
  recorded = recordReports();
});
afterEach(() => {
  recorded.stop();
});

contractSuite('batch', {
  make: (source, options) => pipe(pipe(source, batch(1, options)), map(([x]: number[]) => x)),
});

describe('batch', () => {
  it('groups items, the last batch shorter', async () => {
    expect(await toArray(pipe([1, 2, 3, 4, 5], batch(2)))).toEqual([[1, 2], [3, 4], [5]]);
  });

  it('never passes an empty batch', async () => {
    expect(await toArray(pipe([1, 2], batch(2)))).toEqual([[1, 2]]);
    expect(await toArray(pipe([], batch(2)))).toEqual([]);
  });

  it('C1: the last batch after the end does not close the finished source', async () => {
    const src = probe({ items: 3 });
    expect(await toArray(pipe(src, batch(2)))).toEqual([[0, 1], [2]]);
    expect(src.calls.return).toBe(0);
  });

  it('C1: stopping early closes the source once', async () => {
    const src = probe();
    expect(await toArray(pipe(src, batch(2), take(2)))).toEqual([[0, 1], [2, 3]]);
    expect(src.calls.return).toBe(1);
  });

  it('a source error reaches the consumer; the partial batch is dropped', async () => {
    const error = new Error('source failed');
    const src = probe({ throwAt: 3, error });
    const stage = pipe(src, batch(2));
    expect(await stage.next()).toEqual({ done: false, value: [0, 1] });
    expect(await outcome(stage.next())).toEqual({ ok: false, value: error });
    expect(src.calls.return).toBe(0);
  });
});

badInputSuite('batch', [
  ['count 0', () => batch(0), RangeError, /batch: expected `count` to be a whole number from 1 up, got `0` \(number\)/],
  ['count Infinity', () => batch(Infinity), RangeError, /batch: expected `count` to be a whole number from 1 up, got `Infinity`/],
]);
