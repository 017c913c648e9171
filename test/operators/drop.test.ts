import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { drop, pipe, toArray } from 'iterscope';
import { badInputSuite, contractSuite } from '../helpers/contract.js';
import { probe, recordReports } from '../helpers/probe.js';

let recorded: ReturnType<typeof recordReports>;
beforeEach(() => {
  recorded = recordReports();
});
afterEach(() => {
  recorded.stop();
});

contractSuite('drop', { make: (source, options) => pipe(source, drop(0, options)) });

describe('drop', () => {
  it('skips the first count items', async () => {
    expect(await toArray(pipe([1, 2, 3, 4], drop(2)))).toEqual([3, 4]);
  });

  it('drop(Infinity) passes nothing and lets the source finish (not closed)', async () => {
    const src = probe({ items: 5 });
    expect(await toArray(pipe(src, drop(Infinity)))).toEqual([]);
    expect(src.calls.next).toBe(6);
    expect(src.calls.return).toBe(0);
  });

  it('C1: break after dropping closes the source once', async () => {
    const src = probe();
    for await (const x of pipe(src, drop(3))) {
      expect(x).toBe(3);
      break;
    }
    expect(src.calls.return).toBe(1);
  });
});

badInputSuite('drop', [
  ['count negative', () => drop(-1), RangeError, /drop: expected `count` to be a whole number from 0 up, or Infinity, got `-1` \(number\)/],
  ['count fractional', () => drop(1.5), RangeError, /`count`.*`1.5`/],
  ['count not a number', () => drop('2' as never), TypeError, /drop: expected `count` to be a number, got `"2"` \(string\)/],
]);
