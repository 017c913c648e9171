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
