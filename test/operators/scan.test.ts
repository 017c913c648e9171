import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pipe, scan, toArray } from 'iterscope';
import { badInputSuite, contractSuite } from '../helpers/contract.js';
import { probe, recordReports } from '../helpers/probe.js';

let recorded: ReturnType<typeof recordReports>;
beforeEach(() => {
  recorded = recordReports();
});
afterEach(() => {
  recorded.stop();
});

contractSuite('scan', {
  make: (source, options) => pipe(source, scan((_acc: number, x: number) => x, 0, options)),
  failing: (source, error) =>
    pipe(
      source,
      scan(() => {
        throw error;
      }, 0),
    ),
});

describe('scan', () => {
  it('emits each running accumulation from the seed', async () => {
    expect(await toArray(pipe([1, 2, 3], scan((sum: number, x: number) => sum + x, 10)))).toEqual([11, 13, 16]);
  });

  it('awaits an async reducer and keeps its result as the next accumulator', async () => {
    const out = await toArray(pipe(['a', 'b'], scan(async (acc: string, x: string, i) => `${acc}${x}${String(i)}`, '')));
    expect(out).toEqual(['a0', 'a0b1']);
  });

  it('an async reducer that rejects closes the source', async () => {
    const src = probe();
    const error = new Error('async reducer');
    await expect(pipe(src, scan(() => Promise.reject(error), 0)).next()).rejects.toBe(error);
    expect(src.calls.return).toBe(1);
  });
});

badInputSuite('scan', [
  ['reducer not a function', () => scan(1 as never, 0), TypeError, /scan: expected `reducer` to be a function, got `1` \(number\)/],
  ['seed missing', () => (scan as (r: unknown) => unknown)(() => 0), TypeError, /scan: expected a `seed`/],
]);
