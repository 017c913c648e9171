import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { filter, map, pipe, take, toArray, withCleanup, type Exit } from 'iterscope';
import { contractSuite, outcome } from '../helpers/contract.js';
import { probe, recordReports } from '../helpers/probe.js';

// pipe() runs consecutive option-less map/filter as one stage; it must be invisible.

let recorded: ReturnType<typeof recordReports>;
beforeEach(() => {
  recorded = recordReports();
});
afterEach(() => {
  recorded.stop();
});

contractSuite('fused map → filter → map', {
  make: (source, options) =>
    options === undefined
      ? pipe(source, map((x: number) => x), filter(() => true), map((x: number) => x))
      : pipe(source, map((x: number) => x), filter(() => true), map((x: number) => x, options)),
  failing: (source, error) =>
    pipe(
      source,
      map((x: number) => x),
      filter(() => {
        throw error;
      }),
      map((x: number) => x),
    ),
});

describe('fusion', () => {
  const inc = (x: number): number => x + 1;
  const even = (x: number): boolean => x % 2 === 0;
  const asyncInc = async (x: number): Promise<number> => x + 1;
  const asyncEven = async (x: number): Promise<boolean> => x % 2 === 0;

  it.each([
    ['sync', inc, even],
    ['async', asyncInc, asyncEven],
  ] as const)('gives the same items as the operators applied one by one (%s callbacks)', async (_kind, f, g) => {
    const items = Array.from({ length: 20 }, (_, i) => i);
    const fused = await toArray(pipe(items, map(f), filter(g), map(f), filter(g), map(f)));
    const separate = await toArray(map(f)(filter(g)(map(f)(filter(g)(map(f)(items))))));
    expect(fused).toEqual(separate);
  });

  it('keeps each operator its own index', async () => {
    const indexes: string[] = [];
    await toArray(
      pipe(
        ['a', 'b', 'c', 'd'],
        filter((_x: string, i) => {
          indexes.push(`f${String(i)}`);
          return i % 2 === 0;
        }),
        map((x: string, i) => {
          indexes.push(`m${String(i)}`);
          return x;
        }),
      ),
    );
    expect(indexes).toEqual(['f0', 'm0', 'f1', 'f2', 'm1', 'f3']);
  });

  it('a stage that is not fusable in the middle keeps its place (C4 order, exits)', async () => {
    const exits: Exit[] = [];
    const src = probe();
    const out = await toArray(
      pipe(
        src,
        map((x: number) => x * 2),
        withCleanup((exit) => exits.push(exit)),
        filter((x: number) => x > 0),
        map((x: number) => x + 1),
        take(2),
      ),
    );
    expect(out).toEqual([3, 5]);
    expect(exits).toEqual([{ outcome: 'cancelled' }]);
    expect(src.calls.return).toBe(1);
  });

  it('a rejected async step in the middle of a fused run closes the source', async () => {
    const error = new Error('async filter');
    const src = probe();
    const stage = pipe(
      src,
      map((x: number) => x),
      filter(() => Promise.reject(error)),
      map((x: number) => x),
    );
    expect(await outcome(stage.next())).toEqual({ ok: false, value: error });
    expect(src.calls.return).toBe(1);
  });

  it('a bad source is still a TypeError at the call, naming the first operator', () => {
    expect(() => pipe(3 as never, map((x: number) => x), filter(() => true))).toThrow(/map: expected `source`.*`3` \(number\)/);
  });
});

contractSuite('take → map → filter, the steps run inside take', {
  make: (source, options) => pipe(source, take<number>(1_000, options), map((x: number) => x), filter(() => true)),
  failing: (source, error) =>
    pipe(
      source,
      take<number>(1_000),
      map(() => {
        throw error;
      }),
    ),
});

describe('steps fused into the stage before them', () => {
  it('give the same items as separate stages, with take counting before the steps', async () => {
    const fused = await toArray(pipe([1, 2, 3, 4, 5, 6], take(4), map((x: number) => x * 10), filter((x: number) => x !== 20)));
    const separate = await toArray(
      filter((x: number) => x !== 20)(map((x: number) => x * 10)(take<number>(4)([1, 2, 3, 4, 5, 6]))),
    );
    expect(fused).toEqual([10, 30, 40]);
    expect(fused).toEqual(separate);
  });

  it('a failing step is, for the stage before it, a stop from downstream: its cleanup sees cancelled', async () => {
    const exits: Exit[] = [];
    const err = new Error('step');
    const stream = pipe(
      probe(),
      withCleanup((e) => exits.push(e)),
      map(async (x: number) => {
        await Promise.resolve();
        if (x === 1) throw err;
        return x;
      }),
    );
    await expect(toArray(stream)).rejects.toBe(err);
    expect(exits).toEqual([{ outcome: 'cancelled' }]);
  });

  it('the stage\'s own callback failing is still its own error', async () => {
    const exits: Exit[] = [];
    const err = new Error('own');
    const src = probe({ throwAt: 1, error: err });
    await expect(toArray(pipe(src, withCleanup((e) => exits.push(e)), map((x: number) => x)))).rejects.toBe(err);
    expect(exits).toEqual([{ outcome: 'error', error: err }]);
  });

  it('never go into a stage the caller made: only stages pipe makes take steps', async () => {
    const mine = take<number>(10)([1, 2, 3]);
    const doubled = pipe(mine, map((x: number) => x * 2));
    expect(doubled).not.toBe(mine);
    expect(await toArray(doubled)).toEqual([2, 4, 6]);
  });
});
