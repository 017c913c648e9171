import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { distinct, pipe, toArray } from 'iterscope';
import { badInputSuite, contractSuite } from '../helpers/contract.js';
import { probe, recordReports } from '../helpers/probe.js';

let recorded: ReturnType<typeof recordReports>;
beforeEach(() => {
  recorded = recordReports();
});
afterEach(() => {
  recorded.stop();
});

contractSuite('distinct', {
  make: (source, options) => pipe(source, distinct(undefined, options)),
  failing: (source, error) =>
    pipe(
      source,
      distinct(() => {
        throw error;
      }),
    ),
});

describe('distinct', () => {
  it('passes each item the first time it is seen', async () => {
    expect(await toArray(pipe([1, 2, 1, 3, 2, NaN, NaN], distinct()))).toEqual([1, 2, 3, NaN]);
  });

  it('compares keys, sync or async', async () => {
    const users = [{ id: 1, n: 'a' }, { id: 2, n: 'b' }, { id: 1, n: 'c' }];
    expect(await toArray(pipe(users, distinct((u) => u.id)))).toEqual([users[0], users[1]]);
    expect(await toArray(pipe(users, distinct(async (u) => u.id)))).toEqual([users[0], users[1]]);
  });

  it('C1: an async key that rejects closes the source once', async () => {
    const src = probe();
    const error = new Error('key');
    await expect(pipe(src, distinct(() => Promise.reject(error))).next()).rejects.toBe(error);
    expect(src.calls.return).toBe(1);
  });
});

badInputSuite('distinct', [
  ['key not a function', () => distinct('id' as never), TypeError, /distinct: expected `key` to be a function, got `"id"` \(string\)/],
]);
