import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { aclosing, borrow, map, merge, pipe, SuppressedError, takeUntil, withCleanup } from 'iterscope';
import { outcome } from '../helpers/contract.js';
import { failsReadingAhead } from '../helpers/read-ahead.js';
import { probe, recordReports, ticks } from '../helpers/probe.js';

// C5: no error lost.

let recorded: ReturnType<typeof recordReports>;
beforeEach(() => {
  recorded = recordReports();
});
afterEach(() => {
  recorded.stop();
});

describe('C5 SuppressedError', () => {
  it('is a ponyfill on Node 20 that never patches the global', () => {
    const native = (globalThis as { SuppressedError?: unknown }).SuppressedError;
    if (native === undefined) {
      expect(SuppressedError).not.toBe(undefined);
      expect((globalThis as { SuppressedError?: unknown }).SuppressedError).toBe(undefined);
    } else {
      expect(SuppressedError).toBe(native);
    }
    const err = new SuppressedError(new Error('later'), new Error('earlier'), 'msg');
    expect(err.name).toBe('SuppressedError');
    expect(err).toBeInstanceOf(Error);
    expect(err).toBeInstanceOf(SuppressedError);
    expect((err.error as Error).message).toBe('later');
    expect((err.suppressed as Error).message).toBe('earlier');
  });

  it("has a name like a built-in error's: not enumerable, writable, configurable", () => {
    expect(Object.getOwnPropertyDescriptor(SuppressedError.prototype, 'name')).toEqual({
      ...Object.getOwnPropertyDescriptor(RangeError.prototype, 'name'),
      value: 'SuppressedError',
    });
  });

  it('says what happened when no message is given (the native one has an empty message)', () => {
    const native = (globalThis as { SuppressedError?: unknown }).SuppressedError;
    expect(new SuppressedError(1, 2).message).toBe(native === undefined ? 'An error was suppressed during cleanup.' : '');
  });
});

describe('C5 errors', () => {
  it('a callback error with a failing close: SuppressedError(error = cleanup error, suppressed = callback error)', async () => {
    const callbackError = new Error('callback');
    const cleanupError = new Error('cleanup');
    const stage = pipe(
      probe({ returnError: cleanupError }),
      map(() => {
        throw callbackError;
      }),
    );
    const err = await stage.next().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(SuppressedError);
    expect((err as SuppressedError).error).toBe(cleanupError);
    expect((err as SuppressedError).suppressed).toBe(callbackError);
  });

  it('a source error with a failing cleanup: SuppressedError(cleanup error, source error)', async () => {
    const sourceError = new Error('source');
    const cleanupError = new Error('cleanup');
    const stage = pipe(
      probe({ throwAt: 0, error: sourceError }),
      withCleanup(() => {
        throw cleanupError;
      }),
    );
    const err = (await stage.next().catch((e: unknown) => e)) as SuppressedError;
    expect(err.name).toBe('SuppressedError');
    expect(err.error).toBe(cleanupError);
    expect(err.suppressed).toBe(sourceError);
  });

  it('no cleanup error: the consumer sees the primary error itself', async () => {
    const sourceError = new Error('source');
    const stage = pipe(probe({ throwAt: 0, error: sourceError }), withCleanup(() => undefined));
    await expect(stage.next()).rejects.toBe(sourceError);
  });

  it('after break, a close error becomes the loop\'s error (as in plain JavaScript) and is reported', async () => {
    const cleanupError = new Error('cleanup');
    const stage = aclosing(probe({ returnError: cleanupError }));
    await expect((async () => {
      for await (const _ of stage) break;
    })()).rejects.toBe(cleanupError);
    expect(recorded.reports).toEqual([{ type: 'cleanup-error', stage: 'aclosing', error: cleanupError }]);
  });

  it('when the loop body threw, JavaScript drops the close error: iterscope reports it', async () => {
    const bodyError = new Error('body');
    const cleanupError = new Error('cleanup');
    const stage = pipe(probe({ returnError: cleanupError }), map((x: number) => x));
    await expect((async () => {
      for await (const _ of stage) throw bodyError;
    })()).rejects.toBe(bodyError);
    expect(recorded.reports).toEqual([{ type: 'cleanup-error', stage: 'map', error: cleanupError }]);
  });

  it('throw(error) with a failing close rejects with SuppressedError(cleanup, error)', async () => {
    const injected = new Error('injected');
    const cleanupError = new Error('cleanup');
    const stage = aclosing(probe({ returnError: cleanupError }));
    await stage.next();
    const err = (await stage.throw(injected).catch((e: unknown) => e)) as SuppressedError;
    expect(err.name).toBe('SuppressedError');
    expect(err.error).toBe(cleanupError);
    expect(err.suppressed).toBe(injected);
  });

  it('errors from several levels of a chain nest, latest outermost', async () => {
    const innerError = new Error('inner close');
    const outerError = new Error('outer cleanup');
    const stage = pipe(
      probe({ returnError: innerError }),
      map((x: number) => x),
      withCleanup(() => {
        throw outerError;
      }),
    );
    await stage.next();
    const err = (await stage.return().catch((e: unknown) => e)) as SuppressedError;
    expect(err.name).toBe('SuppressedError');
    expect(err.error).toBe(outerError);
    expect(err.suppressed).toBe(innerError);
  });

  it('a source that produces an error after the stream was closed is reported, not lost', async () => {
    let fail: (e: unknown) => void = () => undefined;
    const src: AsyncIterator<number> = {
      next: () =>
        new Promise((_resolve, reject) => {
          fail = reject;
        }),
      return: () => Promise.resolve({ done: true, value: undefined }),
    };
    const stage = aclosing(src);
    const pending = stage.next();
    await stage.return();
    await pending;
    const late = new Error('network reset');
    fail(late);
    await new Promise((r) => setImmediate(r));
    expect(recorded.reports).toEqual([{ type: 'late-error', stage: 'aclosing', error: late }]);
  });

  it('borrow: a read that fails after return() is reported under its name', async () => {
    let fail: (e: unknown) => void = () => undefined;
    const stage = borrow({
      next: () =>
        new Promise<IteratorResult<number>>((_resolve, reject) => {
          fail = reject;
        }),
    });
    const pending = stage.next();
    await stage.return();
    await pending;
    const late = new Error('network reset');
    fail(late);
    await new Promise((r) => setImmediate(r));
    expect(recorded.reports).toEqual([{ type: 'late-error', stage: 'borrow', error: late }]);
  });

  it('reports print as process warnings when nobody listens', async () => {
    recorded.stop();
    const warnings: Error[] = [];
    const onWarning = (w: Error): void => {
      warnings.push(w);
    };
    process.on('warning', onWarning);
    try {
      const stage = aclosing(probe({ returnError: new Error('cleanup') }));
      await stage.next();
      await stage.return().catch(() => undefined);
      await new Promise((r) => setImmediate(r));
    } finally {
      process.off('warning', onWarning);
      recorded = recordReports();
    }
    expect(warnings.map((w) => w.name)).toEqual(['IterscopeWarning']);
    expect(warnings[0]!.message).toMatch(/aclosing: closing failed: Error: cleanup/);
  });
});

describe('C5: an error no next() was waiting for', () => {
  it.each([
    ['a string', 'boom'],
    ['null', null],
    ['a number', 42],
  ])('is kept and handed over as thrown when it is no object (%s)', async (_label, thrown) => {
    // merge reads both sources at once: the second fails while nobody waits for an item.
    const failsLater: AsyncIterator<number> = {
      next: async () => {
        await ticks(3);
        // eslint-disable-next-line @typescript-eslint/only-throw-error -- a source that rejects with no Error object is the case under test
        throw thrown;
      },
    };
    const stage = merge([1], failsLater);
    expect(await stage.next()).toEqual({ done: false, value: 1 });
    await ticks(24);
    await expect(stage.next()).rejects.toBe(thrown);
    expect(await stage.next()).toEqual({ done: true, value: undefined });
  });

  it('is handed to the next next() once; every next() after it gets done', async () => {
    const boom = new Error('boom');
    const stage = failsReadingAhead(boom); // the stage keeps the error for the next reader
    expect(await stage.next()).toEqual({ done: false, value: 1 });
    await ticks(24); // the stop and its close have settled
    await expect(stage.next()).rejects.toBe(boom);
    expect(await stage.next()).toEqual({ done: true, value: undefined });
    expect(await stage.next()).toEqual({ done: true, value: undefined });
  });
});

describe('C5: a close error of a stage that stopped while nobody was reading', () => {
  // takeUntil stops on its own when its notifier fires, reading or not: closing its source
  // fails, and no next() is waiting to receive that error.
  async function stoppedWithCloseError(closeError: Error, signal?: AbortSignal) {
    const notifier = new AbortController();
    const src = probe({ returnError: closeError });
    const stage = pipe(src, takeUntil(notifier.signal, { signal }));
    expect(await stage.next()).toEqual({ done: false, value: 0 });
    notifier.abort();
    await ticks(10);
    expect(src.calls.return).toBe(1);
    expect(recorded.reports).toEqual([]); // held for the next next()
    return stage;
  }

  it('the next next() receives it', async () => {
    const closeError = new Error('source close failed');
    const stage = await stoppedWithCloseError(closeError);
    expect(await outcome(stage.next())).toEqual({ ok: false, value: closeError });
    expect(await stage.next()).toEqual({ done: true, value: undefined });
    expect(recorded.reports).toEqual([]);
  });

  it('return() instead of next() discards it from the stream and reports it late, once', async () => {
    const closeError = new Error('source close failed');
    const stage = await stoppedWithCloseError(closeError);
    expect(await stage.return()).toEqual({ done: true, value: undefined });
    expect(await stage.next()).toEqual({ done: true, value: undefined });
    expect(recorded.reports).toEqual([{ type: 'late-error', stage: 'takeUntil', error: closeError }]);
  });

  it('C3: an abort before anyone read it wins: the next next() rejects with the reason, the error is reported late', async () => {
    const closeError = new Error('source close failed');
    const controller = new AbortController();
    const stage = await stoppedWithCloseError(closeError, controller.signal);
    const reason = new Error('user abort');
    controller.abort(reason);
    expect(await outcome(stage.next())).toEqual({ ok: false, value: reason });
    expect(recorded.reports).toEqual([{ type: 'late-error', stage: 'takeUntil', error: closeError }]);
  });
});

describe('C5: an error of a stage still closing after it stopped while nobody was reading', () => {
  // takeUntil(promise) fails when its notifier rejects, reading or not; its source then
  // takes a while to close.
  async function failingWhileClosing(error: Error, signal?: AbortSignal) {
    let fail: (() => void) | undefined;
    const notifier = new Promise<void>((_resolve, reject) => {
      fail = () => {
        reject(error);
      };
    });
    const src = probe({ returnTicks: 50 });
    const stage = pipe(src, takeUntil(notifier, { signal }));
    expect(await stage.next()).toEqual({ done: false, value: 0 });
    fail?.();
    await ticks(3);
    expect(src.calls.return).toBe(1); // closing, not closed yet
    return stage;
  }

  it('return() during that close: the error nobody read is reported late, once', async () => {
    const error = new Error('notifier failed');
    const stage = await failingWhileClosing(error);
    expect(await stage.return()).toEqual({ done: true, value: undefined });
    expect(await stage.next()).toEqual({ done: true, value: undefined });
    expect(recorded.reports).toEqual([{ type: 'late-error', stage: 'takeUntil', error }]);
  });

  it('C3: an abort during that close wins: the next next() rejects with the reason, the error is reported late', async () => {
    const error = new Error('notifier failed');
    const controller = new AbortController();
    const stage = await failingWhileClosing(error, controller.signal);
    const reason = new Error('user abort');
    controller.abort(reason);
    expect(await outcome(stage.next())).toEqual({ ok: false, value: reason });
    await ticks(60);
    expect(recorded.reports).toEqual([{ type: 'late-error', stage: 'takeUntil', error }]);
  });
});

describe('C5: no report on a clean stop that a close or an abort overtakes', () => {
  // takeUntil stops cleanly when its notifier fires, reading or not; its source then takes
  // a while to close.
  async function stoppingCleanly(signal?: AbortSignal) {
    const notifier = new AbortController();
    const src = probe({ returnTicks: 50 });
    const stage = pipe(src, takeUntil(notifier.signal, { signal }));
    expect(await stage.next()).toEqual({ done: false, value: 0 });
    notifier.abort();
    await ticks(3);
    expect(src.calls.return).toBe(1); // closing, not closed yet
    return stage;
  }

  it('return() during that close reports nothing', async () => {
    const stage = await stoppingCleanly();
    expect(await stage.return()).toEqual({ done: true, value: undefined });
    expect(await stage.next()).toEqual({ done: true, value: undefined });
    expect(recorded.reports).toEqual([]);
  });

  it('C3: an abort during that close rejects the next next() with its reason and reports nothing', async () => {
    const controller = new AbortController();
    const stage = await stoppingCleanly(controller.signal);
    const reason = new Error('user abort');
    controller.abort(reason);
    expect(await outcome(stage.next())).toEqual({ ok: false, value: reason });
    await ticks(60);
    expect(recorded.reports).toEqual([]);
  });
});

describe('C5: return() while a stage stops on its own and its cleanup fails', () => {
  it('the pending next() gets done, the first return() the cleanup error, a second return() nothing again', async () => {
    const cleanupError = new Error('cleanup failed');
    let failCleanup: (() => void) | undefined;
    const stage = pipe(
      probe({ items: 1 }),
      withCleanup(
        () =>
          new Promise<void>((_resolve, reject) => {
            failCleanup = () => {
              reject(cleanupError);
            };
          }),
      ),
    );
    expect(await stage.next()).toEqual({ done: false, value: 0 });
    const pending = stage.next(); // the source ends: the stage stops, its cleanup runs
    await ticks(5);
    expect(failCleanup).toBeDefined();
    const first = outcome(stage.return());
    const second = outcome(stage.return());
    expect(await pending).toEqual({ done: true, value: undefined });
    failCleanup?.();
    expect(await first).toEqual({ ok: false, value: cleanupError });
    expect(await second).toEqual({ ok: true, value: { done: true, value: undefined } });
    expect(recorded.reports).toEqual([{ type: 'cleanup-error', stage: 'withCleanup', error: cleanupError }]);
  });
});
