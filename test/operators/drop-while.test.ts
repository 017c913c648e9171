import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dropWhile, pipe, toArray } from 'iterscope';
import { badInputSuite, contractSuite } from '../helpers/contract.js';
import { probe, recordReports } from '../helpers/probe.js';

let recorded: ReturnType<typeof recordReports>;
beforeEach(() => {
  recorded = recordReports();
});
afterEach(() => {
  recorded.stop();
});

contractSuite('dropWhile', {
  make: (source, options) => pipe(source, dropWhile(() => false, options)),
  failing: (source, error) =>
    pipe(
      source,
      dropWhile(() => {
        throw error;
      }),
    ),
});

describe('dropWhile', () => {
  it('drops items while the predicate holds, then passes everything', async () => {
    expect(await toArray(pipe([1, 2, 3, 1, 5], dropWhile((x) => x < 3)))).toEqual([3, 1, 5]);
  });

  it('stops calling the predicate after the first item that fails it', async () => {
    const seen: number[] = [];
    const out = await toArray(pipe([1, 5, 1, 1], dropWhile(async (x: number, i) => {
      seen.push(i);
      return x < 3;
    })));
    expect(out).toEqual([5, 1, 1]);
    expect(seen).toEqual([0, 1]);
  });

  it('C1: an async predicate that rejects closes the source once', async () => {
    const src = probe();
    const error = new Error('predicate');
    await expect(pipe(src, dropWhile(() => Promise.reject(error))).next()).rejects.toBe(error);
    expect(src.calls.return).toBe(1);
  });
});

badInputSuite('dropWhile', [
  ['predicate not a function', () => dropWhile(3 as never), TypeError, /dropWhile: expected `predicate` to be a function, got `3` \(number\)/],
]);
