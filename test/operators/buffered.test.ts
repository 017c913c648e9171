import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buffered, pipe, toArray, withCleanup } from 'iterscope';
import { badInputSuite, contractSuite, outcome } from '../helpers/contract.js';
import { probe, recordReports, ticks } from '../helpers/probe.js';

let recorded: ReturnType<typeof recordReports>;
beforeEach(() => {
  recorded = recordReports();
});
afterEach(() => {
  recorded.stop();
});

contractSuite('buffered', { make: (source, options) => pipe(source, buffered(2, options)) });

describe('buffered', () => {
  it('keeps `size` reads ahead of the consumer, and no more', async () => {
    const src = probe();
    const stage = pipe(src, buffered(3));
    expect(await stage.next()).toEqual({ done: false, value: 0 });
    await ticks(10);
    // One read was consumed, three are ahead.
    expect(src.calls.next).toBe(4);
    await stage.return();
    expect(src.calls.return).toBe(1);
  });

  it('C1: over a sync source, a read ahead never reaches the iterator after a rejected item closed it', async () => {
    const error = new Error('item 1');
    const rejected = Promise.reject(error);
    rejected.catch(() => undefined);
    const counts = { reads: 0, closes: 0, readsAfterClose: 0 };
    const source: Iterable<number | Promise<number>> = {
      [Symbol.iterator]: () => ({
        next: (): IteratorResult<number | Promise<number>> => {
          const i = counts.reads++;
          if (counts.closes > 0) counts.readsAfterClose++;
          // Item 0 settles in the same tick as item 1 rejects: delivering it reads ahead
          // again before buffered has seen the rejection.
          return { done: false, value: i === 0 ? Promise.resolve(0) : i === 1 ? rejected : i };
        },
        return: (): IteratorResult<number> => {
          counts.closes++;
          return { done: true, value: undefined };
        },
      }),
    };
    const stage = pipe(source, buffered(2));
    expect(await stage.next()).toEqual({ done: false, value: 0 });
    expect(await outcome(stage.next())).toEqual({ ok: false, value: error });
    expect(counts).toMatchObject({ closes: 1, readsAfterClose: 0 });
  });

  it('C5: an error read ahead is reported when the stream is abandoned', async () => {
    const gc = (globalThis as { gc?: () => void }).gc;
    expect(typeof gc).toBe('function');
    const error = new Error('second read');
    // Built and dropped in a function of its own, so no local keeps the stage reachable.
    await (async () => {
      const stage = pipe(probe({ throwAt: 1, error }), buffered(2));
      expect(await stage.next()).toEqual({ done: false, value: 0 });
      await ticks(5); // the read ahead has failed by now, held for the next next()
    })();
    for (let i = 0; i < 30 && !recorded.reports.some((r) => r.type === 'abandoned'); i++) {
      gc?.();
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(recorded.reports.filter((r) => r.type === 'abandoned')).toHaveLength(1);
    expect(recorded.reports.filter((r) => 'error' in r && r.error === error)).toHaveLength(1);
  });

  it('reads an iterscope stage below it like any source: items in order, then its end', async () => {
    const src = probe({ items: 3 });
    const stage = pipe(src, withCleanup(() => undefined), buffered(2));
    expect(await toArray(stage)).toEqual([0, 1, 2]);
    expect(src.calls.return).toBe(0);
  });

  it('passes items in order, then an error in its place', async () => {
    const error = new Error('third read');
    const stage = pipe(probe({ throwAt: 2, error }), buffered(4));
    expect(await stage.next()).toEqual({ done: false, value: 0 });
    expect(await stage.next()).toEqual({ done: false, value: 1 });
    expect(await outcome(stage.next())).toEqual({ ok: false, value: error });
  });

  it('reads concurrently: items that take time overlap', async () => {
    let inFlight = 0;
    let most = 0;
    const slowSource: AsyncIterator<number> = {
      async next() {
        inFlight++;
        most = Math.max(most, inFlight);
        await ticks(5);
        inFlight--;
        return { done: false, value: 1 };
      },
    };
    const stage = pipe(slowSource, buffered(3));
    await stage.next();
    await stage.next();
    await stage.return();
    expect(most).toBe(3);
  });

  it('ends after the source reported done, without closing it', async () => {
    const src = probe({ items: 3 });
    expect(await toArray(pipe(src, buffered(5)))).toEqual([0, 1, 2]);
    expect(src.calls.return).toBe(0);
  });
});

badInputSuite('buffered', [
  ['size 0', () => buffered(0), RangeError, /buffered: expected `size` to be a whole number from 1 up, got `0`/],
  ['size Infinity', () => buffered(Infinity), RangeError, /`size`.*`Infinity`/],
  ['size not a number', () => buffered('2' as never), TypeError, /buffered: expected `size` to be a number/],
]);

describe('buffered: reads ahead that nobody takes (C5)', () => {
  it('C5: a failed read waiting behind an unread item is reported when the consumer closes', async () => {
    const error = new Error('read 2 failed');
    const src = probe({ throwAt: 2, error });
    const stage = pipe(src, buffered(3));
    expect(await stage.next()).toEqual({ done: false, value: 0 });
    await ticks(10); // reads 1 and 2 have settled: an item, then the failure, both unread
    await stage.return();
    expect(recorded.reports).toEqual([expect.objectContaining({ type: 'late-error', stage: 'buffered', error })]);
  });

  it('C5: a read that fails after the close is reported; an item that arrives after it is dropped silently', async () => {
    const error = new Error('late');
    const reads: ((r: IteratorResult<number>) => void)[] = [];
    const fails: ((e: unknown) => void)[] = [];
    const source: AsyncIterator<number> = {
      next: () =>
        new Promise<IteratorResult<number>>((resolve, reject) => {
          reads.push(resolve);
          fails.push(reject);
        }),
      return: () => Promise.resolve({ done: true, value: undefined }),
    };
    const stage = pipe(source, buffered(3));
    const first = stage.next();
    await ticks(5);
    expect(reads).toHaveLength(3);
    reads[0]!({ done: false, value: 7 });
    expect(await first).toEqual({ done: false, value: 7 });
    await stage.return();
    reads[1]!({ done: false, value: 8 }); // after the close: dropped, not reported
    fails[2]!(error); // after the close: reported, not lost
    await ticks(5);
    expect(recorded.reports).toEqual([expect.objectContaining({ type: 'late-error', stage: 'buffered', error })]);
  });

  it('C1: once a read came back done, no further read is issued, and the end reaches the consumer after the items', async () => {
    const src = probe({ items: 2 });
    const stage = pipe(src, buffered(4));
    expect(await stage.next()).toEqual({ done: false, value: 0 });
    await ticks(10);
    const reads = src.calls.next;
    expect(await stage.next()).toEqual({ done: false, value: 1 });
    expect(await stage.next()).toEqual({ done: true, value: undefined });
    expect(src.calls.next).toBe(reads); // the done stopped the reading ahead
    expect(src.calls.return).toBe(0); // C1: a finished source is not closed
  });
});

describe('buffered: failures and ends read ahead', () => {
  it('a source whose next() throws at once fails the stream with that error', async () => {
    const error = new Error('next threw');
    const throwing: AsyncIterator<number> = {
      next: () => {
        throw error;
      },
    };
    const stage = pipe(throwing, buffered(2));
    expect(await outcome(stage.next())).toEqual({ ok: false, value: error });
    expect(await stage.next()).toEqual({ done: true, value: undefined });
  });

  it('a next() that resolves to something other than an iterator result fails the stream with a TypeError naming it', async () => {
    const odd: AsyncIterator<number> = { next: () => Promise.resolve(42 as never) };
    const result = await outcome(pipe(odd, buffered(2)).next());
    expect(result.ok).toBe(false);
    expect(result.value).toEqual(new TypeError("buffered: a source's next() resolved to `42` (number), not an iterator result."));
  });

  it('C5: a failure the consumer received is not reported again', async () => {
    const error = new Error('read 1 failed');
    const stage = pipe(probe({ throwAt: 1, error }), buffered(3));
    expect(await stage.next()).toEqual({ done: false, value: 0 });
    expect(await outcome(stage.next())).toEqual({ ok: false, value: error });
    await stage.return();
    await ticks(5);
    expect(recorded.reports).toEqual([]);
  });

  it('C5: an end read ahead is nothing to report when the stream is abandoned before it is read', async () => {
    const gc = (globalThis as { gc?: () => void }).gc;
    expect(typeof gc).toBe('function');
    const stageGone = { collected: false };
    const registry = new FinalizationRegistry(() => {
      stageGone.collected = true;
    });
    await (async () => {
      const stage = pipe(probe({ items: 1 }), buffered(2));
      registry.register(stage, undefined);
      expect(await stage.next()).toEqual({ done: false, value: 0 });
      await ticks(5); // the second read has come back done, held for the next next()
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
