import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { drop, dropWhile, filter, map, pipe, scan, take, takeWhile, tap, toArray, withCleanup, type Exit } from 'iterscope';
import { collectUntil } from '../helpers/collect.js';
import { contractSuite, outcome } from '../helpers/contract.js';
import { probe, recordReports, signalSource } from '../helpers/probe.js';

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

  it('calls each callback as a plain function, `this` undefined, fused or alone (the step is data, not the receiver)', async () => {
    const receivers: unknown[] = [];
    function keepAll(this: unknown): boolean {
      receivers.push(this);
      return true;
    }
    function same(this: unknown, x: number): number {
      receivers.push(this);
      return x;
    }
    function sum(this: unknown, acc: number, x: number): number {
      receivers.push(this);
      return acc + x;
    }
    const operators = () =>
      [map(same), filter<number>(keepAll), tap(same), scan(sum, 0), takeWhile<number>(keepAll), dropWhile<number>(() => false)] as const;
    const [m, f, t, s, tw, dw] = operators();
    // Fused: one stage runs all six steps.
    await toArray(pipe([1, 2], m, f, t, s, tw, dw));
    // Alone: each operator is a stage of its own.
    const [m2, f2, t2, s2, tw2, dw2] = operators();
    await toArray(dw2(tw2(s2(t2(f2(m2([1, 2])))))));
    expect(receivers).toHaveLength(20);
    expect(receivers.every((r) => r === undefined)).toBe(true);
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

  it('nor into a stage an operator returns without making it: readers of that stage see only its own steps', async () => {
    const inner = pipe([1, 2, 3], map((x: number) => x * 10));
    const passOn = (_source: unknown): typeof inner => inner;
    const outer = pipe([0], passOn, map((x: number) => x + 1));
    expect(await toArray(inner)).toEqual([10, 20, 30]);
    await outer.return();
  });

  it('nor into a stage of another copy that takes none (C11): the steps run as a stage after it', async () => {
    // Marked as making a new stage per call under the shared key, as another copy's
    // operators are, but with no way to take steps (an older copy's stage).
    const foreign = (source: Iterable<number>): AsyncIterableIterator<number> => {
      const it = source[Symbol.iterator]();
      const stage: AsyncIterableIterator<number> = {
        [Symbol.asyncIterator]: () => stage,
        next: () => Promise.resolve(it.next()),
        return: () => Promise.resolve({ done: true, value: undefined }),
      };
      return stage;
    };
    (foreign as unknown as Record<symbol, boolean>)[Symbol.for('iterscope.fresh.v1')] = true;
    expect(await toArray(pipe([1, 2], foreign as never, map((x: number) => x * 2)))).toEqual([2, 4]);
  });

  it('nor into a stage of an older copy that takes steps as functions (C11, absorb v2): the steps run as a stage after it', async () => {
    // A v2 stage calls what each step maker returns; this copy's steps are data (v3).
    const offered: unknown[] = [];
    const older = (source: Iterable<number>): AsyncIterableIterator<number> => {
      const it = source[Symbol.iterator]();
      const stage: AsyncIterableIterator<number> & Record<symbol, unknown> = {
        [Symbol.asyncIterator]: () => stage,
        next: () => Promise.resolve(it.next()),
        return: () => Promise.resolve({ done: true, value: undefined }),
        [Symbol.for('iterscope.stage.absorb.v2')]: (makers: unknown[]) => {
          offered.push(...makers);
          return false;
        },
      };
      return stage;
    };
    (older as unknown as Record<symbol, boolean>)[Symbol.for('iterscope.fresh.v1')] = true;
    expect(await toArray(pipe([1, 2], older as never, map((x: number) => x * 2)))).toEqual([2, 4]);
    expect(offered).toEqual([]);
  });

  it('C11: operators carry the keys another copy of iterscope looks for, and not the keys of older copies', () => {
    // An older (v2) pipe would call a step maker's result as a function: it must not fuse these.
    expect(Symbol.for('iterscope.fuse.v2') in map((x: number) => x)).toBe(false);
    expect(Symbol.for('iterscope.fuse.v3') in map((x: number) => x)).toBe(true);
    expect(Symbol.for('iterscope.fresh.v1') in withCleanup(() => undefined)).toBe(true);
  });

  it('with no stage before them, they are one stage reported under all their names', async () => {
    const exits: Exit[] = [];
    await (async () => {
      const below = withCleanup<number>((exit) => exits.push(exit))(probe());
      const stream = pipe(below, map((x: number) => x), filter(() => true));
      await stream.next();
    })();
    const abandoned = (): unknown[] => recorded.reports.filter((r) => r.type === 'abandoned');
    await collectUntil(() => exits.length > 0 && abandoned().length > 1);
    // Also reported: the withCleanup stage below it.
    expect(abandoned().filter((r) => (r as { stage: string }).stage !== 'withCleanup')).toEqual([
      { type: 'abandoned', stage: 'map+filter', createdAt: undefined },
    ]);
  });
});

contractSuite('fused tap → scan → filter', {
  make: (source, options) =>
    options === undefined
      ? pipe(source, tap(() => undefined), scan((_acc: number, x: number) => x, 0), filter(() => true))
      : pipe(source, tap(() => undefined), scan((_acc: number, x: number) => x, 0), filter(() => true, options)),
  failing: (source, error) =>
    pipe(
      source,
      tap(() => undefined),
      scan((): number => {
        throw error;
      }, 0),
      filter(() => true),
    ),
});

describe('tap and scan: one step factory for the stage and the fused step', () => {
  const sum = (acc: number, x: number): number => acc + x;
  const asyncSum = async (acc: number, x: number): Promise<number> => acc + x;

  it.each([
    ['sync', sum],
    ['async', asyncSum],
  ] as const)('give the same items and indexes fused as one by one (%s callbacks)', async (_kind, reducer) => {
    const seen: string[] = [];
    const log = (name: string) => (_x: number, i: number) => seen.push(`${name}${String(i)}`);
    const items = Array.from({ length: 10 }, (_, i) => i);
    const fused = await toArray(pipe(items, tap(log('t')), scan(reducer, 100), filter((x: number) => x % 2 === 0), tap(log('u'))));
    const fusedSeen = seen.splice(0);
    const separate = await toArray(tap(log('u'))(filter((x: number) => x % 2 === 0)(scan(reducer, 100)(tap(log('t'))(items)))));
    expect(fused).toEqual(separate);
    expect(fusedSeen).toEqual(seen);
  });

  it('each stage keeps its own state: one scan operator applied twice starts twice from the seed', async () => {
    const running = scan((acc: number, x: number) => acc + x, 0);
    // Alone (its own stage), then fused with a map.
    expect(await toArray(pipe([1, 2, 3], running))).toEqual([1, 3, 6]);
    expect(await toArray(pipe([1, 2, 3], running))).toEqual([1, 3, 6]);
    expect(await toArray(pipe([1, 2, 3], running, map((x: number) => x)))).toEqual([1, 3, 6]);
    expect(await toArray(pipe([1, 2, 3], map((x: number) => x), running))).toEqual([1, 3, 6]);
  });

  it('each stage counts its own index: one operator applied twice counts twice from 0', async () => {
    const indexes: number[] = [];
    const record = (_x: string, i: number): boolean => indexes.push(i) > 0;
    for (const operator of [map(record), filter(record), tap(record), scan((_acc: boolean, x: string, i) => record(x, i), false)]) {
      await toArray(pipe(['a', 'b'], operator as never));
      await toArray(pipe(['a', 'b'], map((x: string) => x), operator as never));
    }
    expect(indexes).toEqual(Array.from({ length: 8 }, () => [0, 1]).flat());
  });

  it('run inside the stage before them: one stage, reported under all their names', async () => {
    const exits: Exit[] = [];
    await (async () => {
      const stream = pipe(
        probe(),
        withCleanup((exit) => exits.push(exit)),
        tap(() => undefined),
        scan((_acc: number, x: number) => x, 0),
      );
      await stream.next();
    })();
    const abandoned = (): unknown[] => recorded.reports.filter((r) => r.type === 'abandoned');
    await collectUntil(() => exits.length > 0 && abandoned().length > 0);
    expect(exits).toEqual([{ outcome: 'abandoned' }]);
    expect(abandoned()).toEqual([{ type: 'abandoned', stage: 'withCleanup+tap+scan', createdAt: undefined }]);
  });

  it('alone, the step is the stage\'s own: its failure stops the stage with `error`; fused after another, with `cancelled`', async () => {
    const err = new Error('step');
    const fail = (): number => {
      throw err;
    };
    const alone = signalSource(3);
    await expect(toArray(pipe(alone, tap(fail)))).rejects.toBe(err);
    // C3: the close signal names the stage and how it stopped.
    expect(alone.signals[0]?.reason).toMatchObject({ message: 'iterscope: tap stopped (error)' });
    const fused = signalSource(3);
    await expect(toArray(pipe(fused, map((x: number) => x), tap(fail)))).rejects.toBe(err);
    expect(fused.signals[0]?.reason).toMatchObject({ message: 'iterscope: map stopped (cancelled)' });
  });

  it('with options, each is a stage of its own named after it, and its failure is its own error', async () => {
    const err = new Error('scan');
    const failing = pipe(
      probe(),
      scan(
        () => {
          throw err;
        },
        0,
        { closeTimeout: 1_000 },
      ),
    );
    await expect(toArray(failing)).rejects.toBe(err);
    expect(() => pipe(3 as never, tap(() => undefined, { closeTimeout: 1_000 }))).toThrow(/^tap: expected `source`/);
  });
});

contractSuite('fused map → take → takeWhile → drop → dropWhile', {
  make: (source, options) =>
    options === undefined
      ? pipe(source, map((x: number) => x), take<number>(1_000), takeWhile(() => true), drop<number>(0), dropWhile(() => false))
      : pipe(source, map((x: number) => x), take<number>(1_000), takeWhile(() => true), drop<number>(0), dropWhile(() => false, options)),
  failing: (source, error) =>
    pipe(
      source,
      map((x: number) => x),
      take<number>(1_000),
      takeWhile(() => {
        throw error;
      }),
    ),
});

describe('take, takeWhile, drop and dropWhile: step factories, fused like map and filter', () => {
  const items = Array.from({ length: 12 }, (_, i) => i);
  const odd = (x: number): boolean => x % 2 === 1;
  const below = (n: number) => (x: number) => x < n;
  const asyncBelow = (n: number) => async (x: number) => x < n;

  it.each([
    ['take in the middle', () => pipe(items, map((x: number) => x + 1), take(5), filter(odd)), () => filter(odd)(take<number>(5)(map((x: number) => x + 1)(items)))],
    ['take first, then steps', () => pipe(items, take(7), drop(2), map((x: number) => x * 3)), () => map((x: number) => x * 3)(drop<number>(2)(take<number>(7)(items)))],
    ['takeWhile and dropWhile', () => pipe(items, dropWhile(below(3)), takeWhile(below(9)), map((x: number) => -x)), () => map((x: number) => -x)(takeWhile(below(9))(dropWhile(below(3))(items)))],
    ['async predicates', () => pipe(items, map((x: number) => x), dropWhile(asyncBelow(2)), takeWhile(asyncBelow(6))), () => takeWhile(asyncBelow(6))(dropWhile(asyncBelow(2))(map((x: number) => x)(items)))],
    ['two takes', () => pipe(items, take(6), map((x: number) => x), take(4)), () => take<number>(4)(map((x: number) => x)(take<number>(6)(items)))],
    ['take(Infinity), drop(Infinity)', () => pipe(items, take(Infinity), map((x: number) => x), drop(Infinity)), () => drop<number>(Infinity)(map((x: number) => x)(take<number>(Infinity)(items)))],
  ] as const)('give the same items fused as one by one: %s', async (_name, fused, separate) => {
    expect(await toArray(fused() as AsyncIterable<unknown>)).toEqual(await toArray(separate() as AsyncIterable<unknown>));
  });

  it('fused, take reads no item beyond its count and then closes the source (C1)', async () => {
    const src = probe({ items: 10 });
    expect(await toArray(pipe(src, map((x: number) => x), take(3)))).toEqual([0, 1, 2]);
    expect(src.calls).toEqual({ next: 3, return: 1, throw: 0 });
    // Its last item dropped by a step after it: still no fourth read, and the consumer gets done.
    const dropped = probe({ items: 10 });
    expect(await toArray(pipe(dropped, map((x: number) => x), take(3), filter((x: number) => x < 2)))).toEqual([0, 1]);
    expect(dropped.calls).toEqual({ next: 3, return: 1, throw: 0 });
  });

  it('take(0) is never fused: the source is closed without a read', async () => {
    const src = probe({ items: 10 });
    expect(await toArray(pipe(src, map((x: number) => x), take(0), map((x: number) => x)))).toEqual([]);
    expect(src.calls).toEqual({ next: 0, return: 1, throw: 0 });
  });

  it('fused after another stage, their end is a stop from downstream (cancelled), as between separate stages', async () => {
    for (const end of [take<number>(2), takeWhile((x: number) => x < 2)]) {
      const exits: Exit[] = [];
      const src = probe({ items: 10 });
      expect(await toArray(pipe(src, withCleanup((exit) => exits.push(exit)), end))).toEqual([0, 1]);
      expect(exits).toEqual([{ outcome: 'cancelled' }]);
      expect(src.calls.return).toBe(1);
    }
  });

  it('the close signal names the stage that stopped, and how: its own end completes it, a later one cancels it', async () => {
    const own = signalSource(5);
    expect(await toArray(pipe(own, take(2), map((x: number) => x)))).toEqual([0, 1]);
    expect(own.signals[0]?.reason).toMatchObject({ name: 'AbortError', message: 'iterscope: take stopped (completed)' });
    const after = signalSource(5);
    expect(await toArray(pipe(after, map((x: number) => x), take(2)))).toEqual([0, 1]);
    expect(after.signals[0]?.reason).toMatchObject({ name: 'AbortError', message: 'iterscope: map stopped (cancelled)' });
    const stopped = signalSource(5);
    expect(await toArray(pipe(stopped, map((x: number) => x), takeWhile((x: number) => x < 1)))).toEqual([0]);
    expect(stopped.signals[0]?.reason).toMatchObject({ message: 'iterscope: map stopped (cancelled)' });
    // The same with a STOP answered rather than counted: the first step's is the stage's own,
    // a later step's (sync or a promise's) a stop from downstream.
    const ownStop = signalSource(5);
    expect(await toArray(pipe(ownStop, takeWhile((x: number) => x < 1), map((x: number) => x)))).toEqual([0]);
    expect(ownStop.signals[0]?.reason).toMatchObject({ message: 'iterscope: takeWhile stopped (completed)' });
    const asyncStop = signalSource(5);
    expect(await toArray(pipe(asyncStop, map((x: number) => x), takeWhile((x: number) => Promise.resolve(x < 1))))).toEqual([0]);
    expect(asyncStop.signals[0]?.reason).toMatchObject({ message: 'iterscope: map stopped (cancelled)' });
  });

  it('the first operator of a fused run is the stage\'s own: its failure stops it with `error`, as alone', async () => {
    const err = new Error('first');
    const fail = (): number => {
      throw err;
    };
    const src = signalSource(3);
    await expect(toArray(pipe(src, map(fail), filter(() => true)))).rejects.toBe(err);
    expect(src.signals[0]?.reason).toMatchObject({ message: 'iterscope: map stopped (error)' });
    const rejected = signalSource(3);
    await expect(toArray(pipe(rejected, map(() => Promise.reject(err)), filter(() => true)))).rejects.toBe(err);
    expect(rejected.signals[0]?.reason).toMatchObject({ message: 'iterscope: map stopped (error)' });
  });

  it('run inside the stage before them, reported under all their names', async () => {
    const exits: Exit[] = [];
    await (async () => {
      const stream = pipe(probe(), withCleanup((exit) => exits.push(exit)), drop(1), take(5), takeWhile(() => true), dropWhile(() => false));
      await stream.next();
    })();
    const abandoned = (): unknown[] => recorded.reports.filter((r) => r.type === 'abandoned');
    await collectUntil(() => exits.length > 0 && abandoned().length > 0);
    expect(abandoned()).toEqual([{ type: 'abandoned', stage: 'withCleanup+drop+take+takeWhile+dropWhile', createdAt: undefined }]);
  });
});
