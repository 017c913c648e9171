import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { aclosing, merge, toArray } from 'iterscope';
import { badInputSuite, contractSuite, outcome, watch } from '../helpers/contract.js';
import { controlled } from '../helpers/controlled.js';
import { probe, probeIterable, recordReports, ticks } from '../helpers/probe.js';

let recorded: ReturnType<typeof recordReports>;
beforeEach(() => {
  recorded = recordReports();
});
afterEach(() => {
  recorded.stop();
});

contractSuite('merge', { make: (source, options) => aclosing(merge(source, []), options) });

describe('merge', () => {
  it('interleaves every source and ends when all have ended (none closed)', async () => {
    const a = probe({ name: 'a', items: 2 });
    const b = probe({ name: 'b', items: 3 });
    const out = await toArray(merge(a, b));
    expect([...out].sort()).toEqual([0, 0, 1, 1, 2]);
    expect(a.calls.return + b.calls.return).toBe(0);
  });

  it('is demand-driven: each source has at most one next() in flight', async () => {
    const a = probe({ name: 'a' });
    const b = probe({ name: 'b' });
    const stage = merge(a, b);
    await stage.next();
    await ticks(10);
    expect(a.calls.next).toBe(1);
    expect(b.calls.next).toBe(1);
    await stage.return();
  });

  it('opens iterables with its close signal, aborted when it stops (C3)', async () => {
    const src = probeIterable({ items: 1 });
    const controller = new AbortController();
    await toArray(aclosing(merge(src), { signal: controller.signal }));
    const handed = src.opened[0]?.signal;
    expect(handed?.aborted).toBe(true);
    expect(handed?.reason).toMatchObject({ name: 'AbortError', message: 'iterscope: merge stopped (completed)' });
  });

  it('C1: break closes every open source exactly once; a finished one is not closed', async () => {
    const done = probe({ name: 'done', items: 0 });
    const a = probe({ name: 'a' });
    const b = probe({ name: 'b' });
    const stage = merge(done, a, b);
    await stage.next();
    await stage.next();
    await stage.return();
    expect([done.calls.return, a.calls.return, b.calls.return]).toEqual([0, 1, 1]);
  });

  it('C1: a source error closes the others and reaches the consumer; the failed one is not closed', async () => {
    const error = new Error('b failed');
    const a = probe({ name: 'a', parkAt: 0 });
    const b = probe({ name: 'b', throwAt: 0, error });
    expect(await outcome(merge(a, b).next())).toEqual({ ok: false, value: error });
    expect(a.calls.return).toBe(1);
    expect(b.calls.return).toBe(0);
  });

  it('C2: return() with every source parked settles the pending next() at once and closes all', async () => {
    const a = probe({ name: 'a', parkAt: 0 });
    const b = probe({ name: 'b', parkAt: 0 });
    const stage = merge(a, b);
    const pending = watch(stage.next());
    await ticks(3);
    const closing = stage.return();
    await ticks(1);
    expect(pending.settled).toBe(true);
    await closing;
    expect([a.calls.return, b.calls.return]).toEqual([1, 1]);
  });

  it('C4: closes siblings concurrently and waits for all of them', async () => {
    const log: string[] = [];
    const a = probe({ name: 'a', log, returnTicks: 6 });
    const b = probe({ name: 'b', log, returnTicks: 6 });
    const stage = merge(a, b);
    await stage.next();
    await stage.return();
    log.push('returned');
    const closes = log.filter((e) => e.includes('return') );
    expect(closes.slice(0, 2).sort()).toEqual(['a:return:start', 'b:return:start']);
    expect(closes.slice(2, 4).sort()).toEqual(['a:return:end', 'b:return:end']);
    expect(closes[4]).toBe('returned');
  });

  it('C5: several sibling close errors arrive as one AggregateError, in source order', async () => {
    const e1 = new Error('a close');
    const e2 = new Error('c close');
    const stage = merge(probe({ name: 'a', returnError: e1 }), probe({ name: 'b' }), probe({ name: 'c', returnError: e2 }));
    await stage.next();
    const result = await outcome(stage.return());
    expect(result.value).toBeInstanceOf(AggregateError);
    expect((result.value as AggregateError).errors).toEqual([e1, e2]);
  });

  it('C5: a source error with a sibling close error: SuppressedError(close error, source error)', async () => {
    const error = new Error('a failed');
    const closeError = new Error('b close');
    const stage = merge(probe({ name: 'a', throwAt: 0, error }), probe({ name: 'b', parkAt: 0, returnError: closeError }));
    const result = await outcome(stage.next());
    expect((result.value as { name: string }).name).toBe('SuppressedError');
    expect((result.value as { error: unknown }).error).toBe(closeError);
    expect((result.value as { suppressed: unknown }).suppressed).toBe(error);
  });

  it('C1/C7: the safety net of an abandoned merge closes the open source, not the finished one', async () => {
    const gc = (globalThis as { gc?: () => void }).gc;
    expect(typeof gc).toBe('function');
    const done = probe({ name: 'done', items: 0 });
    const open = probe({ name: 'open' });
    // Built and dropped in a function of its own, so no local keeps the stage reachable.
    await (async () => {
      const stage = merge(done, open);
      expect(await stage.next()).toEqual({ done: false, value: 0 });
    })();
    expect(done.finished).toBe(true);
    for (let i = 0; i < 30 && !recorded.reports.some((r) => r.type === 'abandoned'); i++) {
      gc?.();
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(recorded.reports.filter((r) => r.type === 'abandoned')).toHaveLength(1);
    expect([done.calls.return, open.calls.return]).toEqual([0, 1]);
  });

  it('C5: a source error that arrived while nobody was reading is reported when the stream is abandoned', async () => {
    const gc = (globalThis as { gc?: () => void }).gc;
    expect(typeof gc).toBe('function');
    const error = new Error('b failed');
    // Built and dropped in a function of its own, so no local keeps the stage reachable.
    await (async () => {
      const stage = merge(probe({ name: 'a' }), probe({ name: 'b', throwAt: 0, error }));
      expect(await stage.next()).toEqual({ done: false, value: 0 }); // a answered first
      await ticks(5); // b's read has failed by now, held for the next next()
    })();
    for (let i = 0; i < 30 && !recorded.reports.some((r) => r.type === 'abandoned'); i++) {
      gc?.();
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(recorded.reports.filter((r) => r.type === 'abandoned')).toHaveLength(1);
    expect(recorded.reports.filter((r) => 'error' in r && r.error === error)).toHaveLength(1);
  });

  it('merge() of nothing is empty', async () => {
    expect(await toArray(merge())).toEqual([]);
  });
});

describe('merge: a failure that arrives while nobody waits', () => {
  /** a answers the first read; then b fails, with nobody waiting. */
  async function failsUnread(error: unknown): Promise<AsyncIterator<string>> {
    const a = controlled<string>();
    const b = controlled<string>();
    const stage = merge(a, b);
    const first = stage.next();
    await ticks(2);
    a.push('a1');
    expect(await first).toEqual({ done: false, value: 'a1' });
    b.fail(error); // nobody is waiting: kept for the next next()
    await ticks(2);
    return stage;
  }

  it("C5: is the next next()'s rejection (not an item)", async () => {
    const error = new Error('b failed');
    const stage = await failsUnread(error);
    expect(await outcome(stage.next())).toEqual({ ok: false, value: error });
    expect(recorded.reports).toEqual([]);
  });

  it('C5: is reported when the consumer closes before reading it', async () => {
    const error = new Error('b failed');
    const stage = await failsUnread(error);
    await stage.return?.();
    expect(recorded.reports).toEqual([expect.objectContaining({ type: 'late-error', stage: 'merge', error })]);
  });
});

badInputSuite('merge', [
  ['a source not iterable', () => merge([1], 5 as never), TypeError, /merge: sources\[1\]: expected `source`.*`5` \(number\)/],
]);

describe('merge: a source whose next() throws at once', () => {
  it('stops the stage: the sources after it are never opened, and nothing is reported', async () => {
    const error = new Error('next threw');
    const throwing: AsyncIterator<number> = {
      next: () => {
        throw error;
      },
    };
    const later = probeIterable({ name: 'later' });
    const stage = merge(throwing, later);
    expect(await outcome(stage.next())).toEqual({ ok: false, value: error });
    expect(later.opened).toHaveLength(0);
    expect(recorded.reports).toEqual([]);
  });
});

describe('merge: items nobody read', () => {
  it('an item waiting unread when the consumer closes is dropped without a report', async () => {
    const a = probe({ name: 'a' });
    const b = probe({ name: 'b' });
    const stage = merge(a, b);
    expect(await stage.next()).toEqual({ done: false, value: 0 });
    await ticks(5); // the other source's first item has arrived, unread
    await stage.return();
    expect(recorded.reports).toEqual([]);
    expect([a.calls.return, b.calls.return]).toEqual([1, 1]);
  });
});

describe('merge: a failure after the close', () => {
  it('C5: a read that fails after return() is reported, and the stream stays done', async () => {
    const a = controlled<number>();
    const stage = merge(a);
    void stage.next();
    await ticks(5); // the read is in flight
    await stage.return();
    const error = new Error('failed after the close');
    a.fail(error);
    await ticks(5);
    expect(recorded.reports).toEqual([expect.objectContaining({ type: 'late-error', stage: 'merge', error })]);
    expect(await stage.next()).toEqual({ done: true, value: undefined });
  });
});
