import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { map, pairwise, pipe, startWith, toArray } from 'iterscope';
import { contractSuite } from '../helpers/contract.js';
import { probe, recordReports } from '../helpers/probe.js';

let recorded: ReturnType<typeof recordReports>;
beforeEach(() => {
  recorded = recordReports();
});
afterEach(() => {
  recorded.stop();
});

// The shared suite, with a leading -1 so that the second items of the pairs are the
// source's items again.
contractSuite('pairwise', {
  make: (source, options) => pipe(pipe(source, startWith(-1), pairwise(options)), map(([, b]: [number, number]) => b)),
});

describe('pairwise', () => {
  it('passes each item with the one before it', async () => {
    expect(await toArray(pipe([1, 2, 4], pairwise()))).toEqual([[1, 2], [2, 4]]);
  });

  it('passes nothing for fewer than two items', async () => {
    expect(await toArray(pipe([1], pairwise()))).toEqual([]);
    expect(await toArray(pipe([], pairwise()))).toEqual([]);
  });

  it('C1: stopping after the first pair closes the source once', async () => {
    const src = probe();
    const stage = pipe(src, startWith(-1), pairwise());
    expect(await stage.next()).toEqual({ done: false, value: [-1, 0] });
    await stage.return();
    expect(src.calls.return).toBe(1);
  });
});
