import { getEventListeners } from 'node:events';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { abortable, aclosing, filter, map, merge, pipe, take, withCleanup, type Exit } from 'iterscope';
import { probe, probeIterable, recordReports, ticks } from '../helpers/probe.js';

// C3: abort, any source, any moment.

let recorded: ReturnType<typeof recordReports>;
beforeEach(() => {
  recorded = recordReports();
});
afterEach(() => {
  recorded.stop();
});

describe('C3 abort', () => {
  it('rejects a pending next() with signal.reason, that exact object, even when the source ignores signals', async () => {
    const controller = new AbortController();
    const src = probe({ parkAt: 0 }); // never settles, never looks at a signal
    const stage = aclosing(src, { signal: controller.signal });
    const pending = stage.next();
    const reason = { why: 'not even an Error' };
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
    await ticks(5);
    expect(src.calls.return).toBe(1);
  });

  it('rejects every concurrent pending next() with the reason', async () => {
    const controller = new AbortController();
    const stage = aclosing(probe({ parkAt: 0 }), { signal: controller.signal });
    const a = stage.next();
    const b = stage.next();
    const reason = new Error('stop');
    controller.abort(reason);
    await expect(a).rejects.toBe(reason);
    await expect(b).rejects.toBe(reason);
  });

  it('delivers an abort that happened between reads to the next read, then reports done', async () => {
    const controller = new AbortController();
    const stage = aclosing(probe(), { signal: controller.signal });
    expect(await stage.next()).toEqual({ done: false, value: 0 });
    const reason = new Error('between reads');
    controller.abort(reason);
    await expect(stage.next()).rejects.toBe(reason);
    expect(await stage.next()).toEqual({ done: true, value: undefined });
  });

  it('an already-aborted signal rejects the first next() without opening the source', async () => {
    const iterable = probeIterable();
    const reason = new Error('too late');
    const stage = aclosing(iterable, { signal: AbortSignal.abort(reason) });
    await expect(stage.next()).rejects.toBe(reason);
    expect(iterable.opened).toHaveLength(0);
  });

  it('an already-aborted signal closes an iterator that was handed in', async () => {
    const src = probe();
    const stage = aclosing(src, { signal: AbortSignal.abort(new Error('x')) });
    await expect(stage.next()).rejects.toThrow('x');
    await ticks(5);
    expect(src.calls.next).toBe(0);
    expect(src.calls.return).toBe(1);
  });

  it('abortable() in the middle of a chain closes everything upstream with outcome aborted', async () => {
    const controller = new AbortController();
    const exits: Exit[] = [];
    const src = probe({ parkAt: 1 });
    const stage = pipe(
      src,
      withCleanup((e) => exits.push(e)),
      map((x: number) => x),
      abortable(controller.signal),
    );
    await stage.next();
    const pending = stage.next();
    const reason = new Error('client went away');
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
    await ticks(10);
    expect(src.calls.return).toBe(1);
    expect(exits).toEqual([{ outcome: 'aborted', reason }]);
  });

  it('a source that takes a signal in [Symbol.asyncIterator](signal) hears the abort, with its reason', async () => {
    const controller = new AbortController();
    const iterable = probeIterable();
    const stage = aclosing(iterable, { signal: controller.signal });
    await stage.next();
    const handed = iterable.opened[0]!.signal;
    expect(handed?.aborted).toBe(false);
    const reason = new Error('stop');
    controller.abort(reason);
    expect(handed?.reason).toBe(reason);
  });

  it('an abort received by a stage downstream reaches the source the stage below opened', async () => {
    const controller = new AbortController();
    const iterable = probeIterable();
    const stage = pipe(iterable, map((x: number) => x), abortable(controller.signal));
    await stage.next();
    const reason = { why: 'plain object' };
    controller.abort(reason);
    expect(iterable.opened[0]!.signal?.reason).toBe(reason);
  });

  it('one signal given to every stage of a long chain: one listener, every stage still ends aborted', async () => {
    const controller = new AbortController();
    const { signal } = controller;
    const exits: Exit[] = [];
    let stage = pipe(probe({ parkAt: 1 }), withCleanup((e) => exits.push(e), { signal }));
    for (let i = 0; i < 6; i++) stage = pipe(stage, map((x: number) => x, { signal }), filter(() => true, { signal }));
    stage = pipe(stage, take<number>(100, { signal }), withCleanup((e) => exits.push(e), { signal }));
    expect(getEventListeners(signal, 'abort')).toHaveLength(1);
    await stage.next();
    const pending = stage.next();
    const reason = new Error('stop');
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
    await ticks(20);
    expect(exits).toEqual([{ outcome: 'aborted', reason }, { outcome: 'aborted', reason }]);
  });

  it('abort after the stream finished changes nothing', async () => {
    const controller = new AbortController();
    const exits: Exit[] = [];
    const stage = pipe([1], withCleanup((e) => exits.push(e)), abortable(controller.signal));
    for await (const _ of stage) { /* drain */ }
    controller.abort(new Error('late'));
    await ticks(5);
    expect(exits).toEqual([{ outcome: 'completed' }]);
    expect(recorded.reports).toEqual([]);
  });

  it('a cleanup error during an abort is reported, since nobody waits for that close', async () => {
    const controller = new AbortController();
    const cleanupError = new Error('cleanup');
    const stage = aclosing(probe({ parkAt: 0, returnError: cleanupError }), { signal: controller.signal });
    const pending = stage.next();
    controller.abort(new Error('abort'));
    await expect(pending).rejects.toThrow('abort');
    await ticks(10);
    expect(recorded.reports).toEqual([{ type: 'cleanup-error', stage: 'aclosing', error: cleanupError }]);
  });
});

/** A promise and its resolve, for steps the test releases itself. */
function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve = (): void => undefined;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** Observe how a promise settles without awaiting it. */
function watch(promise: Promise<unknown>): { state: string; value: unknown } {
  const seen = { state: 'pending', value: undefined as unknown };
  promise.then(
    (value) => {
      seen.state = 'resolved';
      seen.value = value;
    },
    (error: unknown) => {
      seen.state = 'rejected';
      seen.value = error;
    },
  );
  return seen;
}

describe('C3 an abort is an abort all the way up', () => {
  it('every stage above the one that received the signal ends aborted with the same reason', async () => {
    const controller = new AbortController();
    const exits: Exit[] = [];
    const stream = pipe(
      probe({ parkAt: 1 }),
      abortable(controller.signal),
      withCleanup((e) => exits.push(e)),
      map((x: number) => x, { closeTimeout: 1_000 }),
      withCleanup((e) => exits.push(e)),
    );
    await stream.next();
    const pending = stream.next();
    const reason = new Error('client disconnected');
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
    await ticks(10);
    expect(exits).toEqual([
      { outcome: 'aborted', reason },
      { outcome: 'aborted', reason },
    ]);
    expect(exits[0]?.outcome === 'aborted' && exits[0].reason).toBe(reason);
    expect(recorded.reports).toEqual([]);
  });

  it('an abort between reads reaches the stages above as aborted on their next read', async () => {
    const controller = new AbortController();
    const exits: Exit[] = [];
    const stream = pipe(probe(), abortable(controller.signal), withCleanup((e) => exits.push(e)));
    await stream.next();
    const reason = { why: 'plain object' };
    controller.abort(reason);
    await expect(stream.next()).rejects.toBe(reason);
    // C4: the cleanup runs once the stage below has finished closing, in the background.
    for (let i = 0; i < 50 && exits.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 0));
    expect(exits).toEqual([{ outcome: 'aborted', reason }]);
  });

  it('C4: after an abort below, the cleanup above waits for the stage below to finish closing', async () => {
    const order: string[] = [];
    const source = {
      [Symbol.asyncIterator]: () => ({
        next: () => new Promise<IteratorResult<number>>(() => undefined), // parked
        return: async () => {
          await new Promise((resolve) => setTimeout(resolve, 20));
          order.push('source closed');
          return { done: true as const, value: undefined };
        },
      }),
    };
    const controller = new AbortController();
    const stream = pipe(source, abortable(controller.signal), withCleanup(() => order.push('cleanup')));
    const pending = stream.next();
    await Promise.resolve();
    controller.abort(new Error('left'));
    await pending.catch(() => undefined);
    for (let i = 0; i < 50 && order.length < 2; i++) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(order).toEqual(['source closed', 'cleanup']);
  });

  it('a source rejecting with an AbortError ended by abort, and the consumer still receives it', async () => {
    const abortError = new DOMException('The operation was aborted.', 'AbortError');
    const exits: Exit[] = [];
    const stream = pipe(probe({ throwAt: 1, error: abortError }), withCleanup((e) => exits.push(e)));
    await stream.next();
    await expect(stream.next()).rejects.toBe(abortError);
    expect(exits).toEqual([{ outcome: 'aborted', reason: abortError }]);
    expect(recorded.reports).toEqual([]);
  });

  it('a source rejecting with another error still ends as error', async () => {
    const error = new Error('boom');
    const exits: Exit[] = [];
    const stream = pipe(probe({ throwAt: 0, error }), withCleanup((e) => exits.push(e)));
    await expect(stream.next()).rejects.toBe(error);
    expect(exits).toEqual([{ outcome: 'error', error }]);
  });
});

describe('C3 abort versus end', () => {
  it('up a chain: an item decided below before the abort, not yet answered above, is superseded by the abort', async () => {
    const controller = new AbortController();
    const stepMayEnd = deferred();
    const exits: Exit[] = [];
    const stream = pipe(
      probe(),
      map((x: number) => x, { signal: controller.signal }), // decides the item, then the abort reaches it
      map(async (x: number) => {
        await stepMayEnd.promise;
        return x;
      }, { closeTimeout: 1000 }), // no signal of its own: still answering when the abort fires
      withCleanup((e) => exits.push(e)),
    );
    const pending = watch(stream.next());
    await ticks(10);
    expect(pending.state).toBe('pending');
    const reason = new Error('abort wins');
    controller.abort(reason);
    stepMayEnd.resolve();
    await ticks(10);
    expect(pending).toEqual({ state: 'rejected', value: reason });
    await ticks(10);
    expect(exits).toEqual([{ outcome: 'aborted', reason }]);
  });

  it('a pending next() still waiting while the stage stops on its own is answered by the abort', async () => {
    const controller = new AbortController();
    const cleanupMayEnd = deferred();
    const exits: Exit[] = [];
    const stream = pipe(
      probe({ items: 1 }),
      withCleanup(
        (e) => {
          exits.push(e);
          return cleanupMayEnd.promise;
        },
        { signal: controller.signal },
      ),
    );
    await stream.next();
    const pending = watch(stream.next()); // the source reports done; the cleanup runs
    await ticks(10);
    expect(pending.state).toBe('pending');
    const reason = new Error('abort wins');
    controller.abort(reason);
    await ticks(2);
    expect(pending).toEqual({ state: 'rejected', value: reason });
    expect(exits).toEqual([{ outcome: 'completed' }]); // the stage's own exit stays
    cleanupMayEnd.resolve();
    await ticks(10);
    expect(recorded.reports).toEqual([]); // a done that loses is superseded
    expect(await stream.next()).toEqual({ done: true, value: undefined });
  });

  it('an error that loses the race is reported as a late error, never dropped', async () => {
    const controller = new AbortController();
    const cleanupMayEnd = deferred();
    const exits: Exit[] = [];
    const error = new Error('source failed');
    const stream = pipe(
      probe({ throwAt: 0, error }),
      withCleanup(
        (e) => {
          exits.push(e);
          return cleanupMayEnd.promise;
        },
        { signal: controller.signal },
      ),
    );
    const pending = watch(stream.next());
    await ticks(10);
    const reason = new Error('abort wins');
    controller.abort(reason);
    await ticks(2);
    expect(pending).toEqual({ state: 'rejected', value: reason });
    expect(exits).toEqual([{ outcome: 'error', error }]);
    expect(recorded.reports).toEqual([{ type: 'late-error', stage: 'withCleanup', error }]);
    cleanupMayEnd.resolve();
  });

  it('an abort after the stream finished and every next() was answered changes nothing', async () => {
    const controller = new AbortController();
    const exits: Exit[] = [];
    const stream = pipe([1], withCleanup((e) => exits.push(e), { signal: controller.signal }));
    expect(await stream.next()).toEqual({ done: false, value: 1 });
    expect(await stream.next()).toEqual({ done: true, value: undefined });
    controller.abort(new Error('too late'));
    expect(await stream.next()).toEqual({ done: true, value: undefined });
    expect(exits).toEqual([{ outcome: 'completed' }]);
    expect(recorded.reports).toEqual([]);
  });
});

describe('C3 an abort below a multi-source stage', () => {
  it('merge over an aborted source ends aborted, and so does the stage above it', async () => {
    const controller = new AbortController();
    const exits: Exit[] = [];
    const other = probe({ parkAt: 0, name: 'other' });
    const stream = pipe(
      merge(pipe(probe({ parkAt: 0 }), abortable(controller.signal)), other),
      withCleanup((e) => exits.push(e)),
    );
    const pending = stream.next();
    const reason = new Error('gone');
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
    await ticks(10);
    expect(exits).toEqual([{ outcome: 'aborted', reason }]);
    expect(other.calls.return).toBe(1);
  });
});

describe('C3 abort: one that no next() was waiting for', () => {
  it('is handed to the next next() once; every next() after it gets done', async () => {
    const controller = new AbortController();
    async function* twoItems(): AsyncGenerator<number> {
      yield 1;
      yield 2;
    }
    const stage = pipe(twoItems(), map((x: number) => x, { signal: controller.signal }));
    expect(await stage.next()).toEqual({ done: false, value: 1 });
    const reason = new Error('stop');
    controller.abort(reason); // nobody is reading: the stage keeps the abort for the next reader
    await ticks(5);
    await expect(stage.next()).rejects.toBe(reason);
    expect(await stage.next()).toEqual({ done: true, value: undefined });
    expect(await stage.next()).toEqual({ done: true, value: undefined });
    expect(recorded.reports).toEqual([]);
  });
});
