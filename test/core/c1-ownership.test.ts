import { describe, expect, it } from 'vitest';
import { aclosing, borrow, filter, map, pipe, take, withCleanup, type Stage } from 'iterscope';
import { probe, probeIterable } from '../helpers/probe.js';

// C1: a stage closes what it opened, exactly once.

const stages: [string, (src: AsyncIterator<number> | AsyncIterable<number>) => Stage<number>][] = [
  ['aclosing', (src) => aclosing(src)],
  ['map', (src) => pipe(src, map((x: number) => x))],
  ['filter', (src) => pipe(src, filter(() => true))],
  ['take', (src) => pipe(src, take<number>(100))],
  ['withCleanup', (src) => pipe(src, withCleanup(() => undefined))],
  ['a chain of four', (src) => pipe(src, map((x: number) => x), filter(() => true), take<number>(100), withCleanup(() => undefined))],
];

describe.each(stages)('C1 %s', (_name, wrap) => {
  it('closes the source exactly once on break', async () => {
    const src = probe();
    for await (const x of wrap(src)) if (x === 2) break;
    expect(src.calls.return).toBe(1);
  });

  it('closes the source exactly once when the loop body throws', async () => {
    const src = probe();
    const boom = new Error('body');
    await expect(
      (async () => {
        for await (const _ of wrap(src)) throw boom;
      })(),
    ).rejects.toBe(boom);
    expect(src.calls.return).toBe(1);
  });

  it('closes the source exactly once on return(), however often return() is called', async () => {
    const src = probe();
    const stage = wrap(src);
    await stage.next();
    await Promise.all([stage.return(), stage.return()]);
    await stage.return();
    expect(src.calls.return).toBe(1);
  });

  it('closes the source on consumer throw() and rejects with that error', async () => {
    const src = probe();
    const stage = wrap(src);
    await stage.next();
    const err = new Error('injected');
    await expect(stage.throw(err)).rejects.toBe(err);
    expect(src.calls.return).toBe(1);
    expect(src.calls.throw).toBe(0);
  });

  it('does not close a source that reported done', async () => {
    const src = probe({ items: 3 });
    const seen: number[] = [];
    for await (const x of wrap(src)) seen.push(x);
    expect(seen).toEqual([0, 1, 2]);
    expect(src.calls.return).toBe(0);
  });

  it('does not close a source whose next() rejected', async () => {
    const err = new Error('source failed');
    const src = probe({ throwAt: 1, error: err });
    const stage = wrap(src);
    await stage.next();
    await expect(stage.next()).rejects.toBe(err);
    await stage.return();
    expect(src.calls.return).toBe(0);
  });

  it('closes an iterator it was handed even if never pulled', async () => {
    const src = probe();
    await wrap(src).return();
    expect(src.calls.next).toBe(0);
    expect(src.calls.return).toBe(1);
  });

  it('opens nothing from an iterable until the first next()', async () => {
    const iterable = probeIterable();
    const stage = wrap(iterable);
    expect(iterable.opened).toHaveLength(0);
    await stage.return();
    expect(iterable.opened).toHaveLength(0);
  });

  it('opens an iterable once, on the first next(), and closes what it opened', async () => {
    const iterable = probeIterable();
    const stage = wrap(iterable);
    await stage.next();
    await stage.next();
    expect(iterable.opened).toHaveLength(1);
    await stage.return();
    expect(iterable.opened[0]!.calls.return).toBe(1);
  });

  it('answers next() after the end with done and never reads the source again', async () => {
    const src = probe();
    const stage = wrap(src);
    await stage.next();
    await stage.return();
    const nexts = src.calls.next;
    expect(await stage.next()).toEqual({ done: true, value: undefined });
    expect(src.calls.next).toBe(nexts);
  });
});

describe('C1 own callback errors', () => {
  it('map closes the source when fn throws, and the error reaches the consumer', async () => {
    const src = probe();
    const err = new Error('fn');
    const stage = pipe(
      src,
      map((x: number) => {
        if (x === 1) throw err;
        return x;
      }),
    );
    await stage.next();
    await expect(stage.next()).rejects.toBe(err);
    expect(src.calls.return).toBe(1);
  });

  it('filter closes the source when an async predicate rejects', async () => {
    const src = probe();
    const err = new Error('predicate');
    const stage = pipe(
      src,
      filter(async (x: number) => {
        await Promise.resolve();
        if (x === 2) throw err;
        return true;
      }),
    );
    await expect((async () => {
      for await (const _ of stage) { /* drain */ }
    })()).rejects.toBe(err);
    expect(src.calls.return).toBe(1);
  });

  it('take closes the source once the count is reached, without reading more', async () => {
    const src = probe();
    const seen: number[] = [];
    for await (const x of pipe(src, take<number>(2))) seen.push(x);
    expect(seen).toEqual([0, 1]);
    expect(src.calls.next).toBe(2);
    expect(src.calls.return).toBe(1);
  });

  it.each([
    ['first of a fused run (its own step)', (src: AsyncIterator<number>) => pipe(src, take<number>(2), map((x: number) => x * 10))],
    ['after a map it is fused into', (src: AsyncIterator<number>) => pipe(src, map((x: number) => x * 10), take<number>(2))],
  ])('take %s closes the source once the count is reached, without reading more', async (_name, build) => {
    const src = probe();
    const seen: number[] = [];
    for await (const x of build(src)) seen.push(x);
    expect(seen).toEqual([0, 10]);
    expect(src.calls.next).toBe(2);
    expect(src.calls.return).toBe(1);
  });

  it('take(0) closes a handed-in iterator without reading it', async () => {
    const src = probe();
    expect(await pipe(src, take<number>(0)).next()).toEqual({ done: true, value: undefined });
    expect(src.calls.next).toBe(0);
    expect(src.calls.return).toBe(1);
  });
});

describe('C1 borrow', () => {
  it('closing a borrow leaves the iterator open for its owner', async () => {
    const src = probe({ items: 4 });
    for await (const x of borrow(src)) if (x === 1) break;
    expect(src.calls.return).toBe(0);
    const rest: number[] = [];
    for await (const x of aclosing(src)) rest.push(x);
    expect(rest).toEqual([2, 3]);
  });

  it('a chain over a borrow closes the chain but not the borrowed iterator', async () => {
    const src = probe();
    const cleanups: string[] = [];
    const stage = pipe(borrow(src), withCleanup((e) => cleanups.push(e.outcome)), take<number>(1));
    for await (const _ of stage) { /* one item */ }
    expect(cleanups).toEqual(['cancelled']);
    expect(src.calls.return).toBe(0);
  });

  it('borrow rejects an iterable: there is nothing to share', () => {
    expect(() => borrow([1, 2] as unknown as Iterator<number>)).toThrow(/borrow: expected `iterator` to be an iterator/);
  });
});

describe('C1 plain generators as sources', () => {
  it('runs the finally of a generator source on break, at every depth', async () => {
    const log: string[] = [];
    async function* gen() {
      try {
        yield 1;
        yield 2;
      } finally {
        log.push('finally');
      }
    }
    for await (const _ of pipe(gen(), map((x: number) => x + 1), filter(() => true))) break;
    expect(log).toEqual(['finally']);
  });

  it('closes a generator handed in and never pulled, unlike an async generator taking an argument', async () => {
    const log: string[] = [];
    async function* gen() {
      try {
        yield 1;
      } finally {
        log.push('finally');
      }
    }
    const g = gen();
    await g.next(); // started: its finally can run
    await pipe(g, map((x: number) => x)).return();
    expect(log).toEqual(['finally']);
  });

  it('reads a sync iterable of promises in order, awaiting each', async () => {
    const out: number[] = [];
    for await (const x of aclosing([Promise.resolve(1), 2, Promise.resolve(3)])) out.push(x);
    expect(out).toEqual([1, 2, 3]);
  });

  it('closes a sync generator source on break', async () => {
    const log: string[] = [];
    function* gen() {
      try {
        yield 1;
        yield 2;
      } finally {
        log.push('finally');
      }
    }
    for await (const _ of aclosing(gen())) break;
    expect(log).toEqual(['finally']);
  });
});
