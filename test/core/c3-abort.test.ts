import { getEventListeners } from 'node:events';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { abortable, aclosing, filter, map, pipe, take, withCleanup, type Exit } from 'iterscope';
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

  it('passes its signal to a source that takes one in [Symbol.asyncIterator](signal)', async () => {
    const controller = new AbortController();
    const iterable = probeIterable();
    const stage = aclosing(iterable, { signal: controller.signal });
    await stage.next();
    expect(iterable.opened[0]!.signal).toBe(controller.signal);
    await stage.return();
  });

  it('hands the signal of a stage downstream to the stage that opens the source', async () => {
    const controller = new AbortController();
    const iterable = probeIterable();
    const stage = pipe(iterable, map((x: number) => x), abortable(controller.signal));
    await stage.next();
    expect(iterable.opened[0]!.signal).toBe(controller.signal);
    await stage.return();
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
