import { getEventListeners } from 'node:events';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { flatMap, map, pipe, share, take, tee, toArray, zip, type Stage } from 'iterscope';
import { checkScenario, type Scenario, type Subject } from 'iterscope/testing';
import { controlled } from '../helpers/controlled.js';
import { badInputSuite, contractSuite, outcome, watch } from '../helpers/contract.js';
import { probe, probeIterable, recordReports, settleAll, signalSource, ticks } from '../helpers/probe.js';

let recorded: ReturnType<typeof recordReports>;
beforeEach(() => {
  recorded = recordReports();
});
afterEach(() => {
  recorded.stop();
  // No late error and no leak on any path here unless a test says so (and takes what it
  // expects). A close error is reported as well as thrown by return() (C5): the tests that
  // make one expect it.
  expect(recorded.reports.filter((r) => r.type !== 'cleanup-error')).toEqual([]);
});

// One branch alone behaves as any stage over the source.
contractSuite('tee (one branch)', {
  make: (source, options) => tee(source, 1, options)[0]!,
});
contractSuite('share (one consumer)', {
  make: (source, options) => share(source, options)[Symbol.asyncIterator](),
});

describe('C3 rule 1: an end on its way from the shared reader loses to an abort', () => {
  // The consumer stops on its own (the source is done, or failed) and leaves the sharing,
  // which stopped listening for it, before its pending next() is answered. An abort in
  // between must still win. Found by the generated scenarios; every tick of the race here.
  const subjects: [string, Subject][] = [
    ['share', ({ source, signal }) => share(source as AsyncIterable<number>, { signal })[Symbol.asyncIterator]()],
    ['tee', ({ source, signal }) => tee(source as AsyncIterable<number>, 1, { signal })[0]!],
  ];
  const cases = subjects.flatMap(([name, subject]) =>
    (['is done', 'fails'] as const).flatMap((end) => [1, 2, 3, 4, 5, 6, 7, 8].map((abortAt) => ({ name, subject, end, abortAt }))),
  );
  it.each(cases)('$name: the source $end, abort at tick $abortAt', async ({ subject, end, abortAt }) => {
    const scenario: Scenario = {
      sources: [{ kind: 'sync', items: 0, signal: 'honour', ...(end === 'fails' ? { throwAt: 0 } : {}) }],
      stages: [],
      consumer: { steps: [], end: 'drain', abortAt, abortReason: 'error' },
      seed: 0,
    };
    expect(await checkScenario(subject, scenario, { strict: true, invariants: ['abort-reason'] })).toEqual([]);
    // An error that loses the race is reported (C5): expected here.
    recorded.reports.splice(0, Infinity, ...recorded.reports.filter((r) => r.type !== 'late-error'));
  });
});

describe('share: closing, late consumers, and a failure nobody read', () => {
  it("C2: the sharing's closeTimeout bounds a consumer's close over a source that will not close", async () => {
    const src = probe({ returnParks: true });
    const consumer = share(src, { closeTimeout: 10 })[Symbol.asyncIterator]();
    expect(await consumer.next()).toEqual({ done: false, value: 0 });
    await consumer.return(); // with the default deadline this would wait seconds
    expect(src.calls.return).toBe(1);
    expect(recorded.reports).toEqual([expect.objectContaining({ type: 'straggler' })]);
    recorded.reports.length = 0;
  });

  it('a consumer that joins after the source ended ends at once, without reading it', async () => {
    const src = probe({ items: 1 });
    const shared = share(src);
    expect(await toArray(shared)).toEqual([0]);
    const reads = src.calls.next;
    expect(await shared[Symbol.asyncIterator]().next()).toEqual({ done: true, value: undefined });
    expect(src.calls.next).toBe(reads);
  });

  it('C5: a failure that arrives when no consumer waits any more is reported, once, when the last consumer leaves', async () => {
    const error = new Error('read failed');
    const source = controlled<number>();
    const shared = share(source);
    const a = shared[Symbol.asyncIterator]();
    const b = shared[Symbol.asyncIterator]();
    const pending = a.next(); // the sharing reads for a
    await ticks(5);
    await a.return(); // a leaves; b stays, not reading
    expect(await pending).toEqual({ done: true, value: undefined });
    source.fail(error); // nobody waits for it
    await ticks(5);
    await b.return();
    expect(recorded.reports).toEqual([expect.objectContaining({ type: 'late-error', stage: 'share', error })]);
    recorded.reports.length = 0;
  });
});

describe('share: a failure read later by a consumer that was not waiting', () => {
  it('C5: the consumer that was not waiting reads the error when it asks; it is not reported as well', async () => {
    const error = new Error('read failed');
    const source = controlled<number>();
    const shared = share(source);
    const a = shared[Symbol.asyncIterator]();
    const b = shared[Symbol.asyncIterator]();
    const pending = a.next(); // the sharing reads for a
    await ticks(5);
    await a.return(); // a leaves; b stays, not reading
    expect(await pending).toEqual({ done: true, value: undefined });
    source.fail(error); // nobody waits for it: b keeps it
    await ticks(5);
    expect(await outcome(b.next())).toEqual({ ok: false, value: error });
    await b.return();
    await settleAll();
    expect(recorded.reports).toEqual([]);
  });
});

badInputSuite('share', [
  ['a source that is not one', () => share(42 as never), TypeError, /^share: expected `source` to be/],
  ['bufferSize 0', () => share([1], { bufferSize: 0 }), RangeError, /^share: expected `options\.bufferSize` to be a whole number from 1 up, got `0`/],
  ['bufferSize Infinity', () => share([1], { bufferSize: Infinity }), RangeError, /^share: expected `options\.bufferSize` to be a whole number from 1 up/],
  ['a bad signal', () => share([1], { signal: 'x' as never }), TypeError, /^share: expected `options\.signal`/],
]);
badInputSuite('tee', [
  ['n 0', () => tee([1], 0), RangeError, /^tee: expected `n` to be a whole number from 1 up, got `0`/],
  ['n 1.5', () => tee([1], 1.5), RangeError, /^tee: expected `n` to be a whole number from 1 up/],
  ['n a string', () => tee([1], '2' as never), TypeError, /^tee: expected `n` to be a number/],
  ['a source that is not one', () => tee(null as never, 2), TypeError, /^tee: expected `source` to be/],
]);

/** Two consumers of one shared source, made before either reads. */
function two<T>(shared: AsyncIterable<T>): [Stage<T>, Stage<T>] {
  return [shared[Symbol.asyncIterator]() as Stage<T>, shared[Symbol.asyncIterator]() as Stage<T>];
}

describe('share', () => {
  it('every consumer receives every item, and the source is read once per item', async () => {
    const src = probe({ items: 5 });
    const [a, b] = two(share(src));
    expect(await Promise.all([toArray(a), toArray(b)])).toEqual([
      [0, 1, 2, 3, 4],
      [0, 1, 2, 3, 4],
    ]);
    expect(src.calls.next).toBe(6);
    expect(src.calls.return).toBe(0); // C1: it finished: never closed
  });

  it('consumers waiting together get one read of the source, not one each', async () => {
    const src = probe();
    const [a, b] = two(share(src));
    expect(await Promise.all([a.next(), b.next()])).toEqual([
      { done: false, value: 0 },
      { done: false, value: 0 },
    ]);
    await ticks(5);
    expect(src.calls.next).toBe(1); // nothing read ahead of what was asked for
    await Promise.all([a.return(), b.return()]);
  });

  it('C1: opens the source when a consumer first reads, once', async () => {
    const iterable = probeIterable({ items: 2 });
    const [a, b] = two(share(iterable));
    await ticks(3);
    expect(iterable.opened).toHaveLength(0);
    await Promise.all([toArray(a), toArray(b)]);
    expect(iterable.opened).toHaveLength(1);
  });

  it('C1/C4: closed exactly once, when the last consumer leaves, and that close waits for it', async () => {
    const log: string[] = [];
    const src = probe({ name: 'src', log, returnTicks: 5 });
    const [a, b] = two(share(src));
    await a.next();
    await b.next();
    await a.return();
    expect(src.calls.return).toBe(0); // b still reads
    expect(await b.next()).toEqual({ done: false, value: 1 });
    log.push('b.return()');
    await b.return();
    log.push('b closed');
    expect(src.calls.return).toBe(1);
    expect(log.slice(log.indexOf('b.return()'))).toEqual(['b.return()', 'src:return:start', 'src:return:end', 'b closed']);
  });

  it('C2: return() settles a consumer pending next() at once while the source is parked; the other reads on', async () => {
    const src = probe({ parkAt: 1 });
    const [a, b] = two(share(src));
    await a.next();
    await b.next();
    const pendingA = a.next();
    const pendingB = watch(b.next());
    await a.return();
    expect(await pendingA).toEqual({ done: true, value: undefined });
    expect(src.calls.return).toBe(0);
    expect(pendingB.settled).toBe(false);
    await b.return();
    await ticks(2);
    expect(pendingB).toMatchObject({ settled: true, value: { done: true } });
    expect(src.calls.return).toBe(1);
  });

  it('a slow consumer holds the source back: no buffer grows past bufferSize', async () => {
    const src = probe();
    const [fast, slow] = two(share(src, { bufferSize: 3 }));
    const got: number[] = [];
    for (let i = 0; i < 3; i++) got.push((await fast.next()).value!);
    const blocked = watch(fast.next()); // slow has 3 unread: the source is not read
    await settleAll();
    expect(blocked.settled).toBe(false);
    expect(src.calls.next).toBe(3);
    expect(await slow.next()).toEqual({ done: false, value: 0 });
    await settleAll();
    expect(blocked).toMatchObject({ settled: true, value: { done: false, value: 3 } });
    expect(got).toEqual([0, 1, 2]);
    await Promise.all([fast.return(), slow.return()]);
    expect(src.calls.return).toBe(1);
  });

  it('C5: a source error reaches every consumer, after the items it had not read', async () => {
    const error = new Error('source failed');
    const src = probe({ throwAt: 2, error });
    const [a, b] = two(share(src));
    expect(await outcome(toArray(a))).toEqual({ ok: false, value: error });
    expect(await b.next()).toEqual({ done: false, value: 0 });
    expect(await b.next()).toEqual({ done: false, value: 1 });
    expect(await outcome(b.next())).toEqual({ ok: false, value: error });
    expect(src.calls.return).toBe(0); // C1: it failed: never closed
    await settleAll();
    expect(recorded.reports).toEqual([]);
  });

  it('C5: however the consumers leave around a source failure, the error reaches a consumer or onReport', async () => {
    // Every interleaving of the failure with the consumers leaving, tick by tick: the read
    // in flight when they leave, the failure landing between the source's stage and the
    // sharing, the consumer that asked having left first.
    for (const firstLeavesEarly of [false, true]) {
      for (let k = 0; k < 10; k++) {
        const error = new Error(`failed (${String(k)})`);
        let fail: (e: unknown) => void = () => undefined;
        const src: AsyncIterator<number> = {
          next: () => new Promise((_, reject) => (fail = reject)),
          return: () => Promise.resolve({ done: true, value: undefined }),
        };
        const [a, b] = tee(src, 2) as [Stage<number>, Stage<number>];
        const received: unknown[] = [];
        const asked = a.next().catch((e: unknown) => received.push(e));
        await ticks(2);
        if (firstLeavesEarly) await a.return();
        fail(error);
        await ticks(k);
        await Promise.all([a.return(), b.return()]).catch((e: unknown) => received.push(e));
        await asked;
        await settleAll();
        const reported = recorded.reports.some((r) => 'error' in r && r.error === error);
        expect({ k, firstLeavesEarly, surfaced: received.includes(error) || reported }).toEqual({ k, firstLeavesEarly, surfaced: true });
        recorded.reports.length = 0; // what is reported here is expected
      }
    }
  });

  it('C3: an abort rejects every pending next() with the reason at once, even a read held back by a full buffer', async () => {
    const controller = new AbortController();
    const src = probe();
    const [fast, slow] = two(share(src, { bufferSize: 1, signal: controller.signal }));
    await fast.next(); // slow now has one unread: the source is held back
    const blocked = watch(fast.next());
    await settleAll();
    expect(blocked.settled).toBe(false);
    const reason = new Error('stop');
    controller.abort(reason);
    await ticks(1);
    expect(blocked).toMatchObject({ settled: true, ok: false, value: reason });
    expect(await outcome(slow.next())).toEqual({ ok: false, value: reason });
    await settleAll();
    expect(src.calls.return).toBe(1);
  });

  it('C3: one signal for a dozen consumers adds two listeners (Node warns past ten), both gone when the last leaves', async () => {
    const controller = new AbortController();
    const shared = share(probe(), { signal: controller.signal });
    const consumers = Array.from({ length: 12 }, () => shared[Symbol.asyncIterator]());
    await Promise.all(consumers.map((c) => c.next()));
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(2); // the source's stage, and the sharing
    await Promise.all(consumers.map((c) => c.return()));
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('C3: a source that takes a signal gets one that aborts when the last consumer leaves', async () => {
    const src = signalSource(1);
    const [a, b] = two(share(src));
    await Promise.all([a.next(), b.next()]);
    const parked = [a.next(), b.next()];
    await a.return();
    expect(src.signals[0]?.aborted).toBe(false);
    await b.return();
    expect(src.signals[0]?.aborted).toBe(true);
    expect(src.signals[0]?.reason).toMatchObject({ name: 'AbortError' });
    expect(await Promise.all(parked)).toEqual([
      { done: true, value: undefined },
      { done: true, value: undefined },
    ]);
    await settleAll();
    expect(recorded.reports).toEqual([]);
  });

  it('C3: consumers under different signals: the source takes neither, and one abort does not speak for it', async () => {
    const src = signalSource(1);
    const shared = share(src);
    const first = new AbortController();
    const second = new AbortController();
    const a = pipe(shared, map((x: number) => x, { signal: first.signal }));
    const b = pipe(shared, map((x: number) => x, { signal: second.signal }));
    await Promise.all([a.next(), b.next()]);
    const reason = new Error('only the first');
    first.abort(reason);
    await settleAll();
    expect(src.signals[0]?.aborted).toBe(false); // the second still reads
    await b.return();
    expect(src.signals[0]?.reason).toMatchObject({ name: 'AbortError' });
    expect(src.signals[0]?.reason).not.toBe(reason);
  });

  it('a consumer that joins after the source ended, or after every consumer left, ends at once', async () => {
    const shared = share([1, 2]);
    expect(await toArray(shared)).toEqual([1, 2]);
    expect(await toArray(shared)).toEqual([]);
    const src = probe();
    const other = share(src);
    expect(await toArray(pipe(other, take(2)))).toEqual([0, 1]);
    expect(src.calls.return).toBe(1);
    expect(await toArray(other)).toEqual([]);
  });

  it('a consumer reads from when it joined', async () => {
    const shared = share(probe({ items: 4 }));
    const first = shared[Symbol.asyncIterator]();
    expect(await first.next()).toEqual({ done: false, value: 0 });
    const late = shared[Symbol.asyncIterator]();
    expect(await Promise.all([toArray(first), toArray(late)])).toEqual([
      [1, 2, 3],
      [1, 2, 3],
    ]);
  });

  it('close() ends every consumer and closes the source; with no consumer it closes the source given open', async () => {
    const src = probe({ parkAt: 1 });
    const shared = share(src);
    const [a, b] = two(shared);
    await Promise.all([a.next(), b.next()]);
    const pending = [a.next(), b.next()];
    await shared.close();
    expect(await Promise.all(pending)).toEqual([
      { done: true, value: undefined },
      { done: true, value: undefined },
    ]);
    expect(src.calls.return).toBe(1);

    const unread = probe();
    {
      await using unused = share(unread);
      expect(typeof unused.close).toBe('function'); // never iterated
    }
    expect(unread.calls.return).toBe(1);
  });

  it('C5: close() rejects with the source close error', async () => {
    const closeError = new Error('close failed');
    const shared = share(probe({ returnError: closeError }));
    const a = shared[Symbol.asyncIterator]();
    await a.next();
    expect(await outcome(shared.close())).toEqual({ ok: false, value: closeError });
  });

  it('works in pipe: each consumer its own chain', async () => {
    const shared = share(probe({ items: 3 }));
    const [x, y] = [pipe(shared, map((n: number) => n * 2)), pipe(shared, map((n: number) => -n))];
    expect(await Promise.all([toArray(x), toArray(y)])).toEqual([
      [0, 2, 4],
      [-0, -1, -2],
    ]);
  });
});

describe('tee', () => {
  it('C3: a source that ends after an abort fired, before the close reached it, sees the abort reason', async () => {
    let finish: () => void = () => undefined;
    let handed: AbortSignal | undefined;
    const src: AsyncIterable<number> = {
      [Symbol.asyncIterator](signal?: AbortSignal): AsyncIterator<number> {
        handed = signal;
        let n = 0;
        return {
          next: () =>
            n++ === 0
              ? Promise.resolve({ done: false, value: 1 })
              : new Promise((resolve) => (finish = () => { resolve({ done: true, value: undefined }); })),
          return: () => Promise.resolve({ done: true, value: undefined }),
        };
      },
    };
    const controller = new AbortController();
    const inner = probe({ name: 'inner', parkAt: 0, returnTicks: 10 });
    // flatMap closes its inner first (10 ticks), then the branches: the source ends in between.
    const stage = pipe(zip(...tee(src, 2)), flatMap(() => inner, { signal: controller.signal, concurrency: 2 }));
    const pending = outcome(stage.next());
    await ticks(10);
    const reason = new Error('stop');
    controller.abort(reason);
    finish();
    expect(await pending).toEqual({ ok: false, value: reason });
    await settleAll();
    expect(handed?.aborted).toBe(true);
    expect(handed?.reason).toBe(reason);
  });

  it("C3: branches read under one owner's signal: the source's close signal carries that abort's reason", async () => {
    const src = signalSource(1);
    const controller = new AbortController();
    const stage = pipe(zip(...tee(src, 2)), map((pair: number[]) => pair, { signal: controller.signal }));
    expect(await stage.next()).toEqual({ done: false, value: [0, 0] });
    const pending = outcome(stage.next());
    await ticks(5);
    const reason = new Error('stop');
    controller.abort(reason);
    expect(await pending).toEqual({ ok: false, value: reason });
    await settleAll();
    expect(src.signals).toHaveLength(1);
    expect(src.signals[0]?.reason).toBe(reason);
  });

  it('n branches, each with every item; the source closed once when the last branch closes', async () => {
    const src = probe();
    const branches = tee(src, 3);
    const firsts = await Promise.all(branches.map((b) => toArray(pipe(b, take(2)))));
    expect(firsts).toEqual([
      [0, 1],
      [0, 1],
      [0, 1],
    ]);
    expect(src.calls.return).toBe(1);
  });

  it('a branch read to the end while another is closed early', async () => {
    const src = probe({ items: 3 });
    const [a, b] = tee(src, 2) as [Stage<number>, Stage<number>];
    await b.return();
    expect(await toArray(a)).toEqual([0, 1, 2]);
    expect(src.calls.return).toBe(0);
  });
});
