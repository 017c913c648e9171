import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { flatMap, pipe, SuppressedError, toArray, type Source } from 'iterscope';
import { badInputSuite, contractSuite, outcome } from '../helpers/contract.js';
import { controlled } from '../helpers/controlled.js';
import { probe, recordReports, ticks } from '../helpers/probe.js';

let recorded: ReturnType<typeof recordReports>;
beforeEach(() => {
  recorded = recordReports();
});
afterEach(() => {
  recorded.stop();
});

contractSuite('flatMap', {
  make: (source, options) => pipe(source, flatMap((x: number) => [x], options)),
  failing: (source, error) =>
    pipe(
      source,
      flatMap((): Source<number> => {
        throw error;
      }),
    ),
});

contractSuite('flatMap (concurrency 3)', {
  make: (source, options) => pipe(source, flatMap((x: number) => [x], { ...options, concurrency: 3 })),
});

describe('flatMap', () => {
  it('flattens in order with concurrency 1', async () => {
    expect(await toArray(pipe([1, 2], flatMap((x: number) => [x, x * 10])))).toEqual([1, 10, 2, 20]);
  });

  it('reads at most `concurrency` inner sources at once, and all of them', async () => {
    let open = 0;
    let most = 0;
    async function* inner(x: number): AsyncGenerator<number> {
      open++;
      most = Math.max(most, open);
      try {
        for (let i = 0; i < 3; i++) {
          await Promise.resolve();
          yield x * 10 + i;
        }
      } finally {
        open--;
      }
    }
    const out = await toArray(pipe([1, 2, 3, 4, 5, 6], flatMap(inner, { concurrency: 4 })));
    expect(out).toHaveLength(18);
    expect([...out].sort((a, b) => a - b)).toEqual([10, 11, 12, 20, 21, 22, 30, 31, 32, 40, 41, 42, 50, 51, 52, 60, 61, 62]);
    expect(most).toBe(4);
    expect(open).toBe(0);
  });

  it('C1: an inner that reported done is not closed; the open one and the outer are, once', async () => {
    const inners = [probe({ name: 'i0', items: 1 }), probe({ name: 'i1' })];
    const outer = probe({ name: 'outer' });
    const stage = pipe(
      outer,
      flatMap((x: number) => inners[x] ?? []),
    );
    expect(await stage.next()).toEqual({ done: false, value: 0 });
    expect(await stage.next()).toEqual({ done: false, value: 0 });
    await stage.return();
    expect([inners[0]?.calls.return, inners[1]?.calls.return, outer.calls.return]).toEqual([0, 1, 1]);
  });

  it('C1: an outer source that answers done while the inners close is not closed after', async () => {
    let endOuter: (result: IteratorResult<number>) => void = () => undefined;
    let outerReturns = 0;
    let outerNexts = 0;
    const outer: AsyncIterator<number> = {
      next: () =>
        outerNexts++ === 0
          ? Promise.resolve({ done: false, value: 0 })
          : new Promise<IteratorResult<number>>((resolve) => (endOuter = resolve)),
      return: () => {
        outerReturns++;
        return Promise.resolve({ done: true, value: undefined });
      },
    };
    const log: string[] = [];
    const stage = pipe(outer, flatMap(() => probe({ name: 'inner', log, returnTicks: 4 }), { concurrency: 2 }));
    expect(await stage.next()).toEqual({ done: false, value: 0 });
    expect(outerNexts).toBe(2); // the second read of the outer is in flight
    const closing = stage.return();
    endOuter({ done: true, value: undefined }); // answers while the inner is still closing
    await closing;
    expect(log).toContain('inner:return:end');
    expect(outerReturns).toBe(0);
  });

  it('C5: an inner error that arrived while nobody was reading is reported when the stream is abandoned', async () => {
    const gc = (globalThis as { gc?: () => void }).gc;
    expect(typeof gc).toBe('function');
    const error = new Error('inner 1 failed');
    // Built and dropped in a function of its own, so no local keeps the stage reachable.
    await (async () => {
      const stage = pipe(
        probe({ name: 'outer' }),
        flatMap((x: number) => (x === 0 ? probe({ name: 'inner0' }) : probe({ name: 'inner1', throwAt: 0, error })), {
          concurrency: 2,
        }),
      );
      expect(await stage.next()).toEqual({ done: false, value: 0 }); // inner1 is opened meanwhile
      expect(await stage.next()).toEqual({ done: false, value: 1 }); // inner0 answered first
      await ticks(5); // inner1's read has failed by now, held for the next next()
    })();
    for (let i = 0; i < 30 && !recorded.reports.some((r) => r.type === 'abandoned'); i++) {
      gc?.();
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(recorded.reports.filter((r) => r.type === 'abandoned')).toHaveLength(1);
    expect(recorded.reports.filter((r) => 'error' in r && r.error === error)).toHaveLength(1);
  });

  it('C4: inner iterators close before the outer one, concurrently and all awaited', async () => {
    const log: string[] = [];
    const outer = probe({ name: 'outer', log, returnTicks: 2 });
    const stage = pipe(
      outer,
      flatMap((x: number) => probe({ name: `inner${String(x)}`, log, returnTicks: 4 }), { concurrency: 2 }),
    );
    await stage.next();
    await stage.next();
    await stage.return();
    const closes = log.filter((e) => e.includes('return'));
    expect(closes.slice(0, 2).sort()).toEqual(['inner0:return:start', 'inner1:return:start']);
    expect(closes.slice(2, 4).sort()).toEqual(['inner0:return:end', 'inner1:return:end']);
    expect(closes.slice(4)).toEqual(['outer:return:start', 'outer:return:end']);
  });

  it('C5: inner close errors aggregate; an outer close error is attached after them', async () => {
    const e0 = new Error('inner0 close');
    const e1 = new Error('inner1 close');
    const eOuter = new Error('outer close');
    const stage = pipe(
      probe({ name: 'outer', returnError: eOuter }),
      flatMap((x: number) => probe({ returnError: x === 0 ? e0 : e1 }), { concurrency: 2 }),
    );
    await stage.next();
    await stage.next();
    const result = await outcome(stage.return());
    expect(result.value).toBeInstanceOf(SuppressedError);
    const err = result.value as SuppressedError;
    expect(err.error).toBe(eOuter);
    expect((err.suppressed as AggregateError).errors).toEqual([e0, e1]);
  });

  it('an inner error ends the stream and closes the outer source', async () => {
    const error = new Error('inner failed');
    const outer = probe({ name: 'outer' });
    const stage = pipe(
      outer,
      flatMap(() => probe({ throwAt: 0, error })),
    );
    expect(await outcome(stage.next())).toEqual({ ok: false, value: error });
    expect(outer.calls.return).toBe(1);
  });

  it('fn returning a non-source fails with a TypeError naming it and closes the outer source', async () => {
    const outer = probe();
    const stage = pipe(
      outer,
      flatMap(() => 42 as never),
    );
    const result = await outcome(stage.next());
    expect(result.value).toBeInstanceOf(TypeError);
    expect((result.value as Error).message).toMatch(/flatMap: the result of `fn`.*`42` \(number\)/);
    expect(outer.calls.return).toBe(1);
  });
});

describe('flatMap: an inner that fails while nobody waits', () => {
  async function twoInners(): Promise<{ stage: AsyncIterator<string>; failSecond(e: unknown): Promise<void> }> {
    const inners = [controlled<string>(), controlled<string>()];
    const stage = pipe([0, 1], flatMap((i: number) => inners[i]!, { concurrency: 2 }));
    const first = stage.next();
    await ticks(5); // both inners are open and read
    inners[0]!.push('a');
    expect(await first).toEqual({ done: false, value: 'a' });
    return {
      stage,
      failSecond: async (error) => {
        inners[1]!.fail(error); // nobody is waiting
        await ticks(5);
      },
    };
  }

  it("C5: is the next next()'s rejection", async () => {
    const error = new Error('inner 1 failed');
    const { stage, failSecond } = await twoInners();
    await failSecond(error);
    expect(await outcome(stage.next())).toEqual({ ok: false, value: error });
    expect(recorded.reports).toEqual([]);
  });

  it('C5: is reported when the consumer closes before reading it', async () => {
    const error = new Error('inner 1 failed');
    const { stage, failSecond } = await twoInners();
    await failSecond(error);
    await stage.return?.();
    expect(recorded.reports).toEqual([expect.objectContaining({ type: 'late-error', stage: 'flatMap', error })]);
  });
});

badInputSuite('flatMap', [
  ['fn not a function', () => flatMap('x' as never), TypeError, /flatMap: expected `fn` to be a function, got `"x"` \(string\)/],
  ['concurrency 0', () => flatMap(() => [], { concurrency: 0 }), RangeError, /flatMap: expected `options.concurrency` to be a whole number from 1 up.*`0`/],
  ['concurrency fractional', () => flatMap(() => [], { concurrency: 1.5 }), RangeError, /`options.concurrency`.*`1.5`/],
  ['options not an object', () => flatMap(() => [], 3 as never), TypeError, /flatMap: expected `options`/],
]);

describe('flatMap: after the stop', () => {
  it('an inner whose next() throws at once stops the stage: an inner not yet read is closed, never read', async () => {
    const error = new Error('next threw');
    let reads = 0;
    const throwsOnSecondRead: AsyncIterator<string> = {
      next: () => {
        if (reads++ === 0) return Promise.resolve({ done: false, value: 'a0' });
        throw error;
      },
    };
    const b = probe({ name: 'b' });
    const inners = [throwsOnSecondRead, b as AsyncIterator<unknown> as AsyncIterator<string>];
    const stage = pipe([0, 1], flatMap((i: number) => inners[i]!, { concurrency: 2 }));
    expect(await stage.next()).toEqual({ done: false, value: 'a0' });
    await ticks(5); // the outer's second item has opened b, which nobody has read yet
    expect(await outcome(stage.next())).toEqual({ ok: false, value: error });
    expect(b.calls).toMatchObject({ next: 0, return: 1 });
    expect(recorded.reports).toEqual([]);
  });

  it('an outer item that arrives after the consumer closed the stream is never mapped', async () => {
    const outer = controlled<number>();
    const mapped: number[] = [];
    const stage = pipe(
      outer,
      flatMap((x: number) => {
        mapped.push(x);
        return [x];
      }),
    );
    const pending = stage.next();
    await ticks(2);
    const closing = stage.return();
    outer.push(1); // answers the read that was in flight when the stream closed
    expect(await pending).toEqual({ done: true, value: undefined });
    await closing;
    await ticks(5);
    expect(mapped).toEqual([]);
  });
});

describe('flatMap: items nobody read', () => {
  it('an item waiting unread when the consumer closes is dropped without a report', async () => {
    const inners = [probe({ name: 'a' }), probe({ name: 'b' })];
    const stage = pipe([0, 1], flatMap((i: number) => inners[i]!, { concurrency: 2 }));
    expect(await stage.next()).toEqual({ done: false, value: 0 });
    const second = stage.next(); // both inners are read for it; one item comes back unread
    await ticks(10);
    expect(await second).toEqual({ done: false, value: expect.any(Number) as unknown });
    await ticks(10);
    await stage.return();
    expect(recorded.reports).toEqual([]);
  });
});
