import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pipe, takeWhile, toArray } from 'iterscope';
import { badInputSuite, contractSuite } from '../helpers/contract.js';
import { probe, recordReports } from '../helpers/probe.js';

let recorded: ReturnType<typeof recordReports>;
beforeEach(() => {
  recorded = recordReports();
});
afterEach(() => {
  recorded.stop();
});

contractSuite('takeWhile', {
  make: (source, options) => pipe(source, takeWhile(() => true, options)),
  failing: (source, error) =>
    pipe(
      source,
      takeWhile(() => {
        throw error;
      }),
    ),
});

describe('takeWhile', () => {
  it('passes items while the predicate holds and stops at the first that fails', async () => {
    expect(await toArray(pipe([1, 2, 3, 1], takeWhile((x) => x < 3)))).toEqual([1, 2]);
  });

  it('C1: the item that fails closes the source exactly once, without reading further', async () => {
    const src = probe();
    expect(await toArray(pipe(src, takeWhile((x) => x < 2)))).toEqual([0, 1]);
    expect(src.calls.return).toBe(1);
    expect(src.calls.next).toBe(3);
  });

  it('awaits an async predicate and passes the index', async () => {
    const seen: number[] = [];
    const out = await toArray(
      pipe(
        ['a', 'b', 'c'],
        takeWhile(async (_x, i) => {
          seen.push(i);
          await Promise.resolve();
          return i < 2;
        }),
      ),
    );
    expect(out).toEqual(['a', 'b']);
    expect(seen).toEqual([0, 1, 2]);
  });

  it('an async predicate that rejects closes the source and reaches the consumer', async () => {
    const src = probe();
    const error = new Error('async predicate');
    const stage = pipe(src, takeWhile(() => Promise.reject(error)));
    await expect(stage.next()).rejects.toBe(error);
    expect(src.calls.return).toBe(1);
  });
});

badInputSuite('takeWhile', [
  ['predicate not a function', () => takeWhile(42 as never), TypeError, /takeWhile: expected `predicate` to be a function, got `42` \(number\)/],
  ['options not an object', () => takeWhile(() => true, 'x' as never)([1]), TypeError, /`options`/],
  ['source not iterable', () => takeWhile(() => true)(7 as never), TypeError, /takeWhile: expected `source`.*`7` \(number\)/],
]);
