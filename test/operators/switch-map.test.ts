import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { channel, flatMap, pipe, switchMap, toArray, type Source } from 'iterscope';
import { badInputSuite, contractSuite, outcome, watch } from '../helpers/contract.js';
import { probe, probeIterable, recordReports, settleAll, signalSource, ticks } from '../helpers/probe.js';

let recorded: ReturnType<typeof recordReports>;
beforeEach(() => {
  recorded = recordReports();
});
afterEach(() => {
  recorded.stop();
});

contractSuite('switchMap', {
  make: (source, options) => pipe(source, switchMap((x: number) => [x], options)),
  failing: (source, error) =>
    pipe(
      source,
      switchMap((): Source<number> => {
        throw error;
      }),
    ),
});

badInputSuite('switchMap', [
  ['fn not a function', () => switchMap(42 as never), TypeError, /^switchMap: expected `fn` to be a function, got `42` \(number\)\.$/],
  ['a bad option', () => switchMap((x: number) => [x], { closeTimeout: -1 }), RangeError, /^switchMap: /],
]);

describe('switchMap', () => {
  it('reads the inners one after the other when each ends before the next item', async () => {
    async function* slow(): AsyncGenerator<number> {
      yield 1;
      await settleAll();
      yield 2;
    }
    expect(await toArray(pipe(slow(), switchMap((x: number) => [x, x * 10])))).toEqual([1, 10, 2, 20]);
  });

  it('C1/C4: the next item closes the running inner, awaited, before fn opens the next', async () => {
    const log: string[] = [];
    const outer = channel<number>();
    const stage = pipe(
      outer.stream,
      switchMap((x: number) => {
        log.push(`fn ${String(x)}`);
        return probe({ name: `i${String(x)}`, log, parkAt: 1, returnTicks: 3 });
      }),
    );
    void outer.push(0);
    expect(await stage.next()).toEqual({ done: false, value: 0 });
    const pending = stage.next(); // i0 parks; the outer is read beside it
    await ticks(5);
    void outer.push(1);
    expect(await pending).toEqual({ done: false, value: 0 }); // i1's first item
    expect(log).toEqual(['fn 0', 'i0:next', 'i0:next', 'i0:return:start', 'i0:return:end', 'fn 1', 'i1:next']);
    await stage.return();
    expect(log.filter((l) => l === 'i0:return:start')).toHaveLength(1); // C1: closed once
    expect(log.slice(-2)).toEqual(['i1:return:start', 'i1:return:end']);
  });

  it('C3: the previous inner hears of the switch through its close signal first, and its rejection is not reported', async () => {
    const inners = [signalSource(1), signalSource(1)];
    const outer = channel<number>();
    const stage = pipe(outer.stream, switchMap((x: number) => inners[x] ?? []));
    void outer.push(0);
    expect(await stage.next()).toEqual({ done: false, value: 0 });
    const pending = stage.next(); // inner 0 parks until its signal aborts
    await ticks(5);
    void outer.push(1);
    expect(await pending).toEqual({ done: false, value: 0 });
    const signal = inners[0]?.signals[0];
    expect(signal?.aborted).toBe(true);
    expect(signal?.reason).toMatchObject({ name: 'AbortError', message: 'iterscope: switchMap closed the previous inner source for the next item' });
    expect(inners[0]?.returns).toBe(1); // C1: closed once (its read was still parked then)
    expect(inners[1]?.signals[0]?.aborted).toBe(false);
    await stage.return();
    await settleAll();
    expect(recorded.reports).toEqual([]);
  });

  it('C3: a switch after an abort fired, before the close reached the stage, hands the abort reason on', async () => {
    const outer = channel<number>({ capacity: Infinity });
    const inner0 = signalSource(1);
    const controller = new AbortController();
    const slow = probe({ name: 'slow', parkAt: 0, returnTicks: 20 });
    // flatMap closes its own inner first (20 ticks), then switchMap: the next item lands in between.
    const stage = pipe(
      outer.stream,
      switchMap((x: number) => (x === 0 ? inner0 : [x])),
      flatMap(() => slow, { signal: controller.signal, concurrency: 2 }),
    );
    void outer.push(0);
    const pending = outcome(stage.next());
    await ticks(10);
    const reason = new Error('stop');
    controller.abort(reason);
    void outer.push(1);
    expect(await pending).toEqual({ ok: false, value: reason });
    await settleAll();
    expect(inner0.signals[0]?.reason).toBe(reason);
  });

  it('C3: an abort while switching rejects the pending next() with the reason and closes everything once', async () => {
    const controller = new AbortController();
    const log: string[] = [];
    const outer = probe({ name: 'outer', log, parkAt: 2 });
    const stage = pipe(outer, switchMap((x: number) => probe({ name: `i${String(x)}`, log, parkAt: 0, returnTicks: 20 }), { signal: controller.signal }));
    const first = watch(stage.next()); // outer 0 → i0 parks; outer 1 → switch, i0 closing
    for (let i = 0; i < 100 && !log.includes('i0:return:start'); i++) await ticks(1);
    expect(log).toContain('i0:return:start');
    expect(log).not.toContain('i0:return:end');
    const reason = new Error('stop');
    controller.abort(reason);
    await ticks(1);
    expect(first).toMatchObject({ settled: true, ok: false, value: reason });
    await settleAll();
    expect(log.filter((l) => l.endsWith(':return:start'))).toEqual(['i0:return:start', 'outer:return:start']);
    expect(log).not.toContain('i1:next'); // fn never opened the next inner
  });

  it('C4: closing while the previous inner closes waits for it before closing the source', async () => {
    const log: string[] = [];
    const outer = probe({ name: 'outer', log, parkAt: 2 });
    const stage = pipe(outer, switchMap((x: number) => probe({ name: `i${String(x)}`, log, parkAt: 1, returnTicks: 30 })));
    expect(await stage.next()).toEqual({ done: false, value: 0 });
    const pending = stage.next(); // i0 parks, the outer's next item switches: i0 closing
    await ticks(5);
    expect(log).toContain('i0:return:start');
    log.push('return()');
    const closing = stage.return();
    expect(await pending).toEqual({ done: true, value: undefined }); // C2: at once
    await closing;
    expect(log.slice(log.indexOf('return()'))).toEqual(['return()', 'i0:return:end', 'outer:return:start', 'outer:return:end']);
    expect(log).not.toContain('i1:next');
  });

  it('C5: an error from closing the previous inner fails the stream, and the source is closed', async () => {
    const closeError = new Error('inner close failed');
    const outer = probe({ name: 'outer' });
    const stage = pipe(outer, switchMap((x: number) => probe({ name: `i${String(x)}`, parkAt: 1, returnError: closeError })));
    expect(await stage.next()).toEqual({ done: false, value: 0 });
    expect(await outcome(stage.next())).toEqual({ ok: false, value: closeError });
    expect(outer.calls.return).toBe(1);
  });

  it('C5: an error the previous inner raises after the switch is reported, not delivered', async () => {
    const late = new Error('late');
    let failLate: (error: unknown) => void = () => undefined;
    const outer = channel<number>();
    const stage = pipe(
      outer.stream,
      switchMap((x: number): AsyncIterator<number> => {
        if (x === 1) return probe({ name: 'i1' });
        let n = 0;
        return {
          next: () => (n++ === 0 ? Promise.resolve({ done: false, value: 0 }) : new Promise((_, reject) => (failLate = reject))),
          return: () => Promise.resolve({ done: true, value: undefined }),
        };
      }),
    );
    void outer.push(0);
    await stage.next();
    const pending = stage.next();
    await ticks(5);
    void outer.push(1);
    expect(await pending).toEqual({ done: false, value: 0 });
    failLate(late);
    await settleAll();
    expect(recorded.reports).toEqual([expect.objectContaining({ type: 'late-error', stage: 'switchMap', error: late })]);
    await stage.return();
  });

  it('drops an item the previous inner delivers after the switch', async () => {
    let lateItem: (result: IteratorResult<number>) => void = () => undefined;
    const outer = channel<number>();
    const stage = pipe(
      outer.stream,
      switchMap((x: number): AsyncIterator<number> => {
        if (x === 1) return probe({ name: 'i1', parkAt: 1 });
        let n = 0;
        return {
          next: () => (n++ === 0 ? Promise.resolve({ done: false, value: 10 }) : new Promise((resolve) => (lateItem = resolve))),
          return: () => Promise.resolve({ done: true, value: undefined }),
        };
      }),
    );
    void outer.push(0);
    expect(await stage.next()).toEqual({ done: false, value: 10 });
    const pending = stage.next();
    await ticks(5);
    void outer.push(1);
    expect(await pending).toEqual({ done: false, value: 0 });
    const parked = watch(stage.next()); // i1 parks
    lateItem({ done: false, value: 99 });
    await settleAll();
    expect(parked.settled).toBe(false);
    await stage.return();
    expect(parked).toMatchObject({ settled: true, value: { done: true } });
  });

  it('ends when the source and the last inner are done, reading the inner to its end', async () => {
    const opened = probeIterable({ items: 3 });
    expect(await toArray(pipe([7], switchMap(() => opened)))).toEqual([0, 1, 2]);
    expect(opened.opened[0]?.calls.return).toBe(0); // finished: not closed (C1)
  });

  it('passes the index to fn', async () => {
    expect(await toArray(pipe(['a', 'b'], switchMap((x: string, i) => [`${x}${String(i)}`])))).toEqual(['a0', 'b1']);
  });
});

describe('switchMap: closing while it switches', () => {
  it('C4: a source without return() closed while the previous inner closes: return() resolves once that close has settled', async () => {
    const log: string[] = [];
    const parked = probe({ name: 'outer', log, parkAt: 2 });
    const outer: AsyncIterator<number> = { next: () => parked.next() }; // nothing to close
    const stage = pipe(outer, switchMap((x: number) => probe({ name: `i${String(x)}`, log, parkAt: 1, returnTicks: 30 })));
    expect(await stage.next()).toEqual({ done: false, value: 0 });
    const pending = stage.next(); // i0 parks, the outer's next item switches: i0 closing
    await ticks(5);
    expect(log).toContain('i0:return:start');
    const closing = stage.return();
    expect(await pending).toEqual({ done: true, value: undefined });
    expect(await closing).toEqual({ done: true, value: undefined });
    expect(log).toContain('i0:return:end');
    expect(log).not.toContain('i1:next');
  });
});

describe('switchMap: dropped while it switches', () => {
  it('C7: a previous inner whose close hangs does not keep the stage alive, and its close settling afterwards does nothing', async () => {
    const gc = (globalThis as { gc?: () => void }).gc;
    expect(typeof gc).toBe('function');
    const unhandled: unknown[] = [];
    const onUnhandled = (error: unknown): void => {
      unhandled.push(error);
    };
    (globalThis as { process?: typeof process }).process?.on('unhandledRejection', onUnhandled); // Node only; elsewhere the runtime matrix fails on any unhandled error itself
    try {
      const closeHangs = { release: (): void => undefined };
      const hanging = new Promise<void>((resolve) => (closeHangs.release = resolve));
      const stageGone = { collected: false };
      const registry = new FinalizationRegistry(() => {
        stageGone.collected = true;
      });
      let closeStarted = false;
      (() => {
        const stage = pipe(
          [0, 1],
          switchMap((): AsyncIterator<number> => ({
            next: () => new Promise<IteratorResult<number>>(() => undefined), // parks for good
            return: () => {
              closeStarted = true;
              return hanging.then(() => ({ done: true, value: undefined }));
            },
          })),
        );
        registry.register(stage, undefined);
        void stage.next(); // the second item switches: the first inner's close hangs
      })();
      await ticks(10);
      expect(closeStarted).toBe(true);
      for (let i = 0; i < 30 && !stageGone.collected; i++) {
        gc?.();
        await new Promise((resolve) => setImmediate(resolve));
      }
      expect(stageGone.collected).toBe(true);
      closeHangs.release();
      for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
      expect(unhandled).toEqual([]);
      recorded.reports.length = 0; // the dropped stage's safety net reported it (C7)
    } finally {
      (globalThis as { process?: typeof process }).process?.off('unhandledRejection', onUnhandled); // Node only; elsewhere the runtime matrix fails on any unhandled error itself
    }
  });
});
