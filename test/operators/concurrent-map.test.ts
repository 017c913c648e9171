import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { map, pipe, take, toArray } from 'iterscope';
import { badInputSuite, contractSuite, outcome } from '../helpers/contract.js';
import { controlled as controlledSource } from '../helpers/controlled.js';
import { probe, recordReports, ticks } from '../helpers/probe.js';

let recorded: ReturnType<typeof recordReports>;
beforeEach(() => {
  recorded = recordReports();
});
afterEach(() => {
  recorded.stop();
});

contractSuite('map (concurrency 2)', {
  make: (source, options) => pipe(source, map(async (x: number) => x, { ...options, concurrency: 2 })),
  failing: (source, error) =>
    pipe(
      source,
      map(() => {
        throw error;
      }, { concurrency: 2 }),
    ),
});

contractSuite('map (concurrency 3, unordered)', {
  make: (source, options) => pipe(source, map((x: number) => x, { ...options, concurrency: 3, ordered: false })),
});

/** A deferred promise per call, to control when each call finishes. */
function controlled(): { fn: (x: number) => Promise<number>; finish: (i: number) => void; running: () => number; started: number[] } {
  const resolvers = new Map<number, () => void>();
  const started: number[] = [];
  let running = 0;
  return {
    started,
    running: () => running,
    fn: (x) => {
      started.push(x);
      running++;
      return new Promise<number>((resolve) => {
        resolvers.set(x, () => {
          running--;
          resolve(x * 10);
        });
      });
    },
    finish: (i) => resolvers.get(i)?.(),
  };
}

describe('map with concurrency', () => {
  it('runs up to `concurrency` calls at once, never more', async () => {
    const c = controlled();
    const stage = pipe(probe({ items: 6 }), map(c.fn, { concurrency: 3 }));
    const first = stage.next();
    await ticks(20);
    expect(c.started).toEqual([0, 1, 2]);
    expect(c.running()).toBe(3);
    c.finish(0);
    expect(await first).toEqual({ done: false, value: 0 });
    await ticks(20);
    expect(c.running()).toBe(3);
    expect(c.started).toEqual([0, 1, 2, 3]);
    await stage.return();
  });

  it('ordered (default): results in source order even when later calls finish first', async () => {
    const c = controlled();
    const out = toArray(pipe(probe({ items: 3 }), map(c.fn, { concurrency: 3 })));
    await ticks(20);
    c.finish(2);
    c.finish(1);
    c.finish(0);
    expect(await out).toEqual([0, 10, 20]);
  });

  it('unordered: results as they finish', async () => {
    const c = controlled();
    const out = toArray(pipe(probe({ items: 3 }), map(c.fn, { concurrency: 3, ordered: false })));
    await ticks(20);
    c.finish(2);
    await ticks(5);
    c.finish(0);
    await ticks(5);
    c.finish(1);
    expect(await out).toEqual([20, 0, 10]);
  });

  it('reads the source one next() at a time', async () => {
    let inFlight = 0;
    let most = 0;
    const src = {
      i: 0,
      async next(): Promise<IteratorResult<number>> {
        inFlight++;
        most = Math.max(most, inFlight);
        await ticks(2);
        inFlight--;
        return this.i < 5 ? { done: false, value: this.i++ } : { done: true, value: undefined };
      },
    };
    expect(await toArray(pipe(src, map(async (x: number) => x, { concurrency: 4 })))).toEqual([0, 1, 2, 3, 4]);
    expect(most).toBe(1);
  });

  it('C1: take closes the source once; results read ahead are dropped', async () => {
    const src = probe();
    expect(await toArray(pipe(src, map(async (x: number) => x, { concurrency: 4 }), take(2)))).toEqual([0, 1]);
    expect(src.calls.return).toBe(1);
  });

  it('a failing call: its error at its position, the source closed once', async () => {
    const src = probe();
    const error = new Error('call 1');
    const stage = pipe(src, map(async (x: number) => {
      if (x === 1) throw error;
      return x;
    }, { concurrency: 3 }));
    expect(await stage.next()).toEqual({ done: false, value: 0 });
    expect(await outcome(stage.next())).toEqual({ ok: false, value: error });
    expect(src.calls.return).toBe(1);
  });

  it('a source error comes after the items read before it', async () => {
    const error = new Error('source');
    const out = await outcome(toArray(pipe(probe({ throwAt: 2, error }), map(async (x: number) => x, { concurrency: 3 }))));
    expect(out).toEqual({ ok: false, value: error });
    const seen: number[] = [];
    const stage = pipe(probe({ throwAt: 2, error }), map(async (x: number) => x, { concurrency: 3 }));
    seen.push((await stage.next()).value!, (await stage.next()).value!);
    expect(seen).toEqual([0, 1]);
    expect(await outcome(stage.next())).toEqual({ ok: false, value: error });
  });

  it('C5: a source error read ahead and never asked for is reported once when the consumer stops; a delivered one is not', async () => {
    const error = new Error('source');
    const stage = pipe(probe({ throwAt: 1, error }), map(async (x: number) => x, { concurrency: 3 }));
    expect(await stage.next()).toEqual({ done: false, value: 0 });
    await ticks(10);
    await stage.return();
    expect(recorded.reports).toEqual([{ type: 'late-error', stage: 'map', error }]);

    recorded.reports.length = 0;
    expect(await outcome(toArray(pipe(probe({ throwAt: 1, error }), map(async (x: number) => x, { concurrency: 3 }))))).toEqual({ ok: false, value: error });
    await ticks(5);
    expect(recorded.reports).toEqual([]);
  });

  it('C5: a call that fails after the stream stopped is reported', async () => {
    let fail!: (e: Error) => void;
    const stage = pipe(probe(), map((x: number) => (x === 0 ? new Promise<number>((_r, reject) => (fail = reject)) : x), { concurrency: 2 }));
    const pending = stage.next();
    await ticks(5);
    await stage.return();
    expect(await pending).toEqual({ done: true, value: undefined });
    const late = new Error('late');
    fail(late);
    await ticks(3);
    expect(recorded.reports).toEqual([{ type: 'late-error', stage: 'map', error: late }]);
  });
});

describe('map with concurrency: what each call gets, and results nobody read', () => {
  it('fn gets each item with its index, counting up from 0 in source order', async () => {
    const seen: [string, number][] = [];
    const out = await toArray(
      pipe(
        ['a', 'b', 'c', 'd'],
        map(
          async (x: string, i: number) => {
            seen.push([x, i]);
            await ticks(4 - i); // later items finish first
            return `${x}${String(i)}`;
          },
          { concurrency: 3 },
        ),
      ),
    );
    expect(out).toEqual(['a0', 'b1', 'c2', 'd3']);
    expect(seen).toEqual([['a', 0], ['b', 1], ['c', 2], ['d', 3]]);
  });

  it('C5: a call that failed while its result waited unread is reported when the consumer closes', async () => {
    const error = new Error('item 2 failed');
    const stage = pipe(
      [0, 1, 2, 3],
      map(
        async (x: number) => {
          await ticks(1);
          if (x === 2) throw error;
          return x;
        },
        { concurrency: 3, ordered: false },
      ),
    );
    expect(await stage.next()).toEqual({ done: false, value: 0 });
    await ticks(10); // 1 and the failure of 2 are waiting, unread
    await stage.return();
    expect(recorded.reports).toEqual([expect.objectContaining({ type: 'late-error', stage: 'map', error })]);
  });
});

badInputSuite('map', [
  ['concurrency 0', () => map((x) => x, { concurrency: 0 }), RangeError, /map: expected `options.concurrency` to be a whole number from 1 up, or Infinity, got `0`/],
  ['ordered', () => map((x) => x, { concurrency: 2, ordered: 'no' as never }), TypeError, /map: expected `options.ordered` to be a boolean/],
]);

describe('map with concurrency: when the source is read', () => {
  it('unordered: runs up to `concurrency` calls at once, never more', async () => {
    const c = controlled();
    const stage = pipe(probe({ items: 6 }), map(c.fn, { concurrency: 3, ordered: false }));
    const first = stage.next();
    await ticks(20);
    expect(c.started).toEqual([0, 1, 2]);
    c.finish(1);
    expect(await first).toEqual({ done: false, value: 10 });
    await ticks(20);
    expect(c.started).toEqual([0, 1, 2, 3]);
    await stage.return();
  });

  it('C1: a source that reported done is not read again while calls still run', async () => {
    const c = controlled();
    const src = probe({ items: 2 });
    const stage = pipe(src, map(c.fn, { concurrency: 3 }));
    const first = stage.next();
    await ticks(20);
    expect(src.calls.next).toBe(3); // two items, then done
    c.finish(0);
    expect(await first).toEqual({ done: false, value: 0 });
    c.finish(1);
    expect(await stage.next()).toEqual({ done: false, value: 10 });
    expect(await stage.next()).toEqual({ done: true, value: undefined });
    expect(src.calls.next).toBe(3);
  });

  it('C1: a source whose read failed is not read again while calls still run', async () => {
    const c = controlled();
    const error = new Error('source');
    const src = probe({ throwAt: 2, error });
    const stage = pipe(src, map(c.fn, { concurrency: 3 }));
    const first = stage.next();
    await ticks(20);
    expect(src.calls.next).toBe(3); // two items, then the failure
    c.finish(0);
    expect(await first).toEqual({ done: false, value: 0 });
    c.finish(1);
    expect(await stage.next()).toEqual({ done: false, value: 10 });
    expect(await outcome(stage.next())).toEqual({ ok: false, value: error });
    expect(src.calls.next).toBe(3);
  });

  it('an item that arrives after the consumer closed the stream is never mapped', async () => {
    const src = controlledSource<number>();
    const mapped: number[] = [];
    const stage = pipe(
      src,
      map(
        (x: number) => {
          mapped.push(x);
          return Promise.resolve(x);
        },
        { concurrency: 2 },
      ),
    );
    const pending = stage.next();
    await ticks(2);
    const closing = stage.return();
    src.push(1); // answers the read that was in flight when the stream closed
    expect(await pending).toEqual({ done: true, value: undefined });
    await closing;
    await ticks(5);
    expect(mapped).toEqual([]);
  });
});

describe('map with concurrency: abandoned with results nobody read', () => {
  it('C5: results read ahead are nothing to report when the stream is abandoned', async () => {
    const gc = (globalThis as { gc?: () => void }).gc;
    expect(typeof gc).toBe('function');
    const stageGone = { collected: false };
    const registry = new FinalizationRegistry(() => {
      stageGone.collected = true;
    });
    await (async () => {
      const stage = pipe(probe({ items: 3 }), map((x: number) => Promise.resolve(x), { concurrency: 2 }));
      registry.register(stage, undefined);
      expect(await stage.next()).toEqual({ done: false, value: 0 });
      await ticks(10); // the next result is mapped by now, waiting for a next()
    })();
    for (let i = 0; i < 30 && !stageGone.collected; i++) {
      gc?.();
      await new Promise((resolve) => setImmediate(resolve));
    }
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(stageGone.collected).toBe(true);
    expect(recorded.reports.filter((r) => r.type === 'late-error')).toEqual([]);
  });
});

describe('map with concurrency: a failure after the close', () => {
  it('C5: a read that fails after return() is reported, not lost', async () => {
    const src = controlledSource<number>();
    const stage = pipe(src, map((x: number) => Promise.resolve(x), { concurrency: 2 }));
    void stage.next();
    await ticks(5); // the read is in flight
    await stage.return();
    const error = new Error('failed after the close');
    src.fail(error);
    await ticks(5);
    expect(recorded.reports).toEqual([expect.objectContaining({ type: 'late-error', stage: 'map', error })]);
  });
});
