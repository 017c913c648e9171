import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { channel, pipe, takeUntil, toArray } from 'iterscope';
import { badInputSuite, contractSuite, outcome } from '../helpers/contract.js';
import { controlled } from '../helpers/controlled.js';
import { probe, probeIterable, recordReports, ticks } from '../helpers/probe.js';

let recorded: ReturnType<typeof recordReports>;
beforeEach(() => {
  recorded = recordReports();
});
afterEach(() => {
  recorded.stop();
});

contractSuite('takeUntil (signal)', {
  make: (source, options) => pipe(source, takeUntil(new AbortController().signal, options)),
});
contractSuite('takeUntil (source)', {
  make: (source, options) => pipe(source, takeUntil(probeIterable({ parkAt: 0 }), options)),
});

describe('takeUntil', () => {
  it('a signal: the stream finishes (done, not an error) when it aborts, and the source is closed once', async () => {
    const controller = new AbortController();
    const src = probe({ parkAt: 2 });
    const stage = pipe(src, takeUntil(controller.signal));
    expect((await stage.next()).value).toBe(0);
    expect((await stage.next()).value).toBe(1);
    const pending = outcome(stage.next());
    await ticks(3);
    controller.abort(new Error('enough'));
    expect(await pending).toEqual({ ok: true, value: { done: true, value: undefined } });
    expect(src.calls.return).toBe(1);
  });

  it('an already-aborted signal: done at the first read, the iterable source never opened', async () => {
    const src = probeIterable();
    expect(await toArray(pipe(src, takeUntil(AbortSignal.abort())))).toEqual([]);
    expect(src.opened).toHaveLength(0);
    expect(recorded.reports).toEqual([]);
  });

  it('a promise: finishes when it resolves; a rejection fails the stream and closes the source', async () => {
    let resolve!: () => void;
    const src = probe({ parkAt: 1 });
    const stage = pipe(src, takeUntil(new Promise<void>((r) => (resolve = r))));
    expect((await stage.next()).value).toBe(0);
    const pending = stage.next();
    resolve();
    expect(await pending).toEqual({ done: true, value: undefined });
    expect(src.calls.return).toBe(1);

    const error = new Error('notifier failed');
    const src2 = probe({ parkAt: 0 });
    const failing = pipe(src2, takeUntil(Promise.reject(error)));
    expect(await outcome(failing.next())).toEqual({ ok: false, value: error });
    expect(src2.calls.return).toBe(1);
  });

  it('a source: finishes at its first item; the notifier is closed with the stream, once', async () => {
    const stop = channel<string>();
    const src = probe({ parkAt: 1 });
    const stage = pipe(src, takeUntil(stop.stream));
    expect((await stage.next()).value).toBe(0);
    const pending = stage.next();
    void stop.push('now');
    expect(await pending).toEqual({ done: true, value: undefined });
    expect(src.calls.return).toBe(1);
    expect(stop.signal.aborted).toBe(true); // the notifier stream was closed
  });

  it('C1: a notifier iterator is closed once when the consumer stops, and not opened before the first read', async () => {
    const notifier = probeIterable({ parkAt: 0 });
    const stage = pipe(probe({ items: 5 }), takeUntil(notifier));
    expect(notifier.opened).toHaveLength(0);
    await stage.next();
    await stage.return();
    expect(notifier.opened).toHaveLength(1);
    expect(notifier.opened[0]!.calls.return).toBe(1);
  });

  it('C1: a notifier that ended without an item never stops the stream and is not closed', async () => {
    const notifier = probe({ items: 0 });
    expect(await toArray(pipe([1, 2], takeUntil(notifier)))).toEqual([1, 2]);
    expect(notifier.calls.return).toBe(0);
  });
});

describe('takeUntil: a notifier source that fails', () => {
  it('a notifier whose read fails fails the stream with that error; the source is closed once', async () => {
    const error = new Error('notifier failed');
    const src = probe({ parkAt: 0 });
    const stage = pipe(src, takeUntil(probe({ throwAt: 0, error })));
    expect(await outcome(stage.next())).toEqual({ ok: false, value: error });
    expect(src.calls.return).toBe(1);
    expect(recorded.reports).toEqual([]);
  });

  it("C5: the notifier's close error reaches the consumer that closes the stream", async () => {
    const closeError = new Error('notifier close');
    const notifier = probe({ parkAt: 0, returnError: closeError });
    const stage = pipe(probe({ items: 3 }), takeUntil(notifier));
    expect(await stage.next()).toEqual({ done: false, value: 0 });
    expect(await outcome(stage.return())).toEqual({ ok: false, value: closeError });
    expect(notifier.calls.return).toBe(1);
    recorded.reports.length = 0; // the close error is reported as well as thrown (C5)
  });

  it('an object with an `aborted` flag but no listeners is not taken for a signal', () => {
    expect(() => takeUntil({ aborted: false } as never)).toThrow(TypeError);
  });
});

badInputSuite('takeUntil', [
  ['null', () => takeUntil(null as never), TypeError, /takeUntil: expected `notifier` to be an AbortSignal, a promise or an async iterable, got `null`/],
  ['an EventTarget that is no signal', () => takeUntil(new EventTarget() as never), TypeError, /takeUntil: expected `notifier`/],
  [
    'a function with a signal\'s members',
    () => takeUntil(Object.assign(() => undefined, { aborted: false, addEventListener: () => undefined }) as never),
    TypeError,
    /takeUntil: expected `notifier`/,
  ],
  ['notifier', () => takeUntil(5 as never), TypeError, /takeUntil: expected `notifier` to be an AbortSignal, a promise or an async iterable, got `5` \(number\)/],
]);

describe('takeUntil: after the stream stopped, and once the stage is gone', () => {
  it('a notifier source whose next() answers something other than an iterator result fails the stream, naming the notifier', async () => {
    const odd: AsyncIterator<unknown> = { next: () => Promise.resolve(42 as never) };
    const stage = pipe(probe({ parkAt: 0 }), takeUntil(odd));
    const result = await outcome(stage.next());
    expect(result.ok).toBe(false);
    expect(result.value).toEqual(new TypeError("takeUntil: the notifier's next() resolved to `42` (number), not an iterator result."));
  });

  it('a notifier promise that rejects after the consumer closed the stream changes nothing', async () => {
    let reject!: (error: unknown) => void;
    const notifier = new Promise<void>((_, r) => (reject = r));
    const stage = pipe(probe({ items: 3 }), takeUntil(notifier));
    expect(await stage.next()).toEqual({ done: false, value: 0 });
    await stage.return();
    reject(new Error('too late'));
    await ticks(5);
    expect(await stage.next()).toEqual({ done: true, value: undefined });
    expect(recorded.reports).toEqual([]);
  });

  it.each(['resolves', 'rejects'] as const)(
    'C7: a pending notifier promise does not keep a dropped stage alive, and one that %s after it was collected does nothing',
    async (settles) => {
      const gc = (globalThis as { gc?: () => void }).gc;
      expect(typeof gc).toBe('function');
      const unhandled: unknown[] = [];
      const onUnhandled = (error: unknown): void => {
        unhandled.push(error);
      };
      (globalThis as { process?: typeof process }).process?.on('unhandledRejection', onUnhandled); // Node only; elsewhere the runtime matrix fails on any unhandled error itself
      try {
        let settle!: { resolve: () => void; reject: (error: unknown) => void };
        const notifier = new Promise<void>((resolve, reject) => (settle = { resolve, reject }));
        const stageGone = { collected: false };
        const registry = new FinalizationRegistry(() => {
          stageGone.collected = true;
        });
        await (async () => {
          const stage = pipe(probe({ items: 3 }), takeUntil(notifier));
          registry.register(stage, undefined);
          expect(await stage.next()).toEqual({ done: false, value: 0 });
        })();
        for (let i = 0; i < 30 && !stageGone.collected; i++) {
          gc?.();
          await new Promise((resolve) => setImmediate(resolve));
        }
        expect(stageGone.collected).toBe(true);
        if (settles === 'resolves') settle.resolve();
        else settle.reject(new Error('after the stage was collected'));
        for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
        expect(unhandled).toEqual([]);
        recorded.reports.length = 0; // the dropped stage's safety net reported it (C7)
      } finally {
        (globalThis as { process?: typeof process }).process?.off('unhandledRejection', onUnhandled); // Node only; elsewhere the runtime matrix fails on any unhandled error itself
      }
    },
  );
});

describe('takeUntil: the notifier source is read once', () => {
  it('one read of the notifier, however many items the stream passes meanwhile', async () => {
    const notifier = probe({ name: 'notifier', parkAt: 0 });
    const stage = pipe(probe({ items: 5 }), takeUntil(notifier));
    expect(await stage.next()).toEqual({ done: false, value: 0 });
    expect(await stage.next()).toEqual({ done: false, value: 1 });
    expect(await stage.next()).toEqual({ done: false, value: 2 });
    expect(notifier.calls.next).toBe(1);
    await stage.return();
  });

  it('a notifier that ends before the source has an item does not stop the stream', async () => {
    const src = controlled<number>();
    const stage = pipe(src, takeUntil(probe({ name: 'notifier', items: 0 })));
    const first = stage.next();
    await ticks(5); // the notifier has ended by now
    src.push(7);
    expect(await first).toEqual({ done: false, value: 7 });
    await stage.return();
  });

  it('a failure stays the answer when the notifier, closed because of it, answers an item meanwhile', async () => {
    const error = new Error('source failed');
    let answer: ((r: IteratorResult<number>) => void) | undefined;
    const notifier: AsyncIterator<number> = {
      next: () =>
        new Promise<IteratorResult<number>>((resolve) => {
          answer = resolve;
        }),
      return: async () => {
        answer?.({ done: false, value: 1 });
        await ticks(5);
        return { done: true, value: undefined };
      },
    };
    const failing: AsyncIterator<number> = { next: () => Promise.reject(error) };
    const stage = pipe(failing, takeUntil(notifier));
    expect(await outcome(stage.next())).toEqual({ ok: false, value: error });
    expect(await stage.next()).toEqual({ done: true, value: undefined });
  });
});

describe('takeUntil: a notifier that fails after the close', () => {
  it('C5: is reported, and the stream stays done', async () => {
    const notifier = controlled<number>();
    const stage = pipe(probe({ items: 3 }), takeUntil(notifier));
    expect(await stage.next()).toEqual({ done: false, value: 0 });
    await stage.return(); // the notifier's read is still in flight
    const error = new Error('failed after the close');
    notifier.fail(error);
    await ticks(5);
    expect(recorded.reports).toEqual([expect.objectContaining({ type: 'late-error', stage: 'takeUntil', error })]);
    expect(await stage.next()).toEqual({ done: true, value: undefined });
  });
});
