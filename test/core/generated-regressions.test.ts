/**
 * Hand-written reproductions of gaps the property suite found once it generated parks and
 * aborts (C3 rule 1: abort versus end; C7: abandoned while a read is parked). They keep
 * the fixes in place independently of what the generators happen to draw.
 */
import { describe, expect, it } from 'vitest';
import { aclosing, batch, flatMap, map, onReport, pipe, withCleanup, type Exit, type Report } from 'iterscope';
import { failsReadingAhead } from '../helpers/read-ahead.js';

/** A source whose only next() is answered by hand. */
function handAnswered(): { source: AsyncIterable<number>; answer: (r: IteratorResult<number>) => void; fail: (e: unknown) => void } {
  let answer: (r: IteratorResult<number>) => void = () => undefined;
  let fail: (e: unknown) => void = () => undefined;
  const source: AsyncIterable<number> = {
    [Symbol.asyncIterator]: () => ({
      next: () =>
        new Promise<IteratorResult<number>>((resolve, reject) => {
          answer = resolve;
          fail = reject;
        }),
      return: () => Promise.resolve({ done: true as const, value: undefined }),
    }),
  };
  return { source, answer: (r) => { answer(r); }, fail: (e) => { fail(e); } };
}

/** True when `promise` had settled before an abort fired now (its reaction is queued ahead). */
function settledBeforeNow(seen: () => boolean): () => boolean {
  let before = seen();
  queueMicrotask(() => {
    before ||= seen();
  });
  return () => before;
}

describe('gaps found by the property suite, fixed', () => {
  it('C3 rule 1: source done one tick before the abort, next() not yet settled: rejects with the reason', async () => {
    const { source, answer } = handAnswered();
    const controller = new AbortController();
    const stage = aclosing(source, { signal: controller.signal });
    let settled = false;
    const pending = stage.next().finally(() => { settled = true; });
    await Promise.resolve();
    await Promise.resolve();
    answer({ done: true, value: undefined });
    await Promise.resolve();
    const reason = new Error('stop');
    const decidedBefore = settledBeforeNow(() => settled);
    controller.abort(reason);
    await pending.catch(() => undefined);
    expect(decidedBefore()).toBe(false); // still unsettled when the abort fired
    await expect(pending).rejects.toBe(reason);
  });

  it('C3 rule 1: source error one tick before the abort, next() not yet settled: rejects with the reason', async () => {
    const { source, fail } = handAnswered();
    const controller = new AbortController();
    const stage = aclosing(source, { signal: controller.signal });
    let settled = false;
    const pending = stage.next().finally(() => { settled = true; });
    await Promise.resolve();
    await Promise.resolve();
    const reports: Report[] = [];
    const stop = onReport((r) => reports.push(r));
    const lost = new Error('source failed');
    fail(lost);
    await Promise.resolve();
    const reason = new Error('stop');
    const decidedBefore = settledBeforeNow(() => settled);
    controller.abort(reason);
    await pending.catch(() => undefined);
    stop();
    expect(decidedBefore()).toBe(false);
    await expect(pending).rejects.toBe(reason);
    // C5: the error that lost the race is reported, not dropped.
    expect(reports).toEqual([expect.objectContaining({ type: 'late-error', stage: 'aclosing', error: lost })]);
  });

  it('C3 rule 1 up a chain: the stage with the signal answered done, the stage above is still closing: its next() rejects with the reason', async () => {
    const controller = new AbortController();
    let releaseCleanup: () => void = () => undefined;
    const exits: Exit[] = [];
    // batch holds the signal; withCleanup above it does not, and is still in its cleanup
    // (its next() unanswered) when the abort fires.
    const stage = pipe(
      (async function* () {
        // no items
      })(),
      batch(2, { signal: controller.signal }),
      withCleanup((exit: Exit) => {
        exits.push(exit);
        return new Promise<void>((resolve) => {
          releaseCleanup = resolve;
        });
      }),
    );
    const pending = stage.next();
    for (let i = 0; i < 20 && exits.length === 0; i++) await Promise.resolve();
    expect(exits).toEqual([{ outcome: 'completed' }]); // batch answered done: the chain is ending
    const reason = new Error('stop');
    let outcome: unknown = 'unsettled';
    pending.then(
      (result) => (outcome = result),
      (error: unknown) => (outcome = error),
    );
    controller.abort(reason);
    for (let i = 0; i < 20 && outcome === 'unsettled'; i++) await Promise.resolve();
    const seen = outcome; // at once, not after the cleanup
    releaseCleanup();
    expect(seen).toBe(reason);
    expect(await stage.next()).toEqual({ done: true, value: undefined });
  });

  it('C3 rule 1 up a chain: an abort after every next() was answered changes nothing', async () => {
    const controller = new AbortController();
    const stage = pipe([1, 2, 3], batch(2, { signal: controller.signal }), map((b: number[]) => b.length));
    expect(await stage.next()).toEqual({ done: false, value: 2 });
    expect(await stage.next()).toEqual({ done: false, value: 1 });
    expect(await stage.next()).toEqual({ done: true, value: undefined });
    controller.abort(new Error('late'));
    expect(await stage.next()).toEqual({ done: true, value: undefined });
  });

  it('C3 rule 1 up a chain: return() right after an abort below, before its rejection arrived: the pending next() gets the reason', async () => {
    const { source } = handAnswered(); // parked for good
    const controller = new AbortController();
    const stage = pipe(aclosing(source, { signal: controller.signal }), withCleanup(() => undefined));
    const pending = stage.next();
    await Promise.resolve();
    const reason = new Error('stop');
    controller.abort(reason);
    const closed = stage.return(); // the abort fired first
    await expect(pending).rejects.toBe(reason);
    expect(await closed).toEqual({ done: true, value: undefined });
  });

  it("C3 through a multi-source stage: a stage it reads that ends on its own after the owner's abort hands its sources the abort's reason", async () => {
    // The outer source of flatMap takes a signal; its second read is answered (done) by
    // hand after the abort, while flatMap is still closing an inner (C4: inners first).
    const handed: AbortSignal[] = [];
    let answerSecond: (r: IteratorResult<number>) => void = () => undefined;
    const outer = {
      [Symbol.asyncIterator]: (signal?: AbortSignal): AsyncIterator<number> => {
        if (signal !== undefined) handed.push(signal);
        let reads = 0;
        return {
          next: () =>
            ++reads === 1
              ? Promise.resolve({ done: false as const, value: 1 })
              : new Promise<IteratorResult<number>>((resolve) => {
                  answerSecond = resolve;
                }),
          return: () => Promise.resolve({ done: true as const, value: undefined }),
        };
      },
    };
    let releaseInner: () => void = () => undefined;
    const inner: AsyncIterator<number> & AsyncIterable<number> = {
      [Symbol.asyncIterator]() {
        return this;
      },
      next: () => new Promise<never>(() => undefined), // parked
      return: () =>
        new Promise((resolve) => {
          releaseInner = () => {
            resolve({ done: true, value: undefined });
          };
        }),
    };
    const controller = new AbortController();
    const stage = aclosing(
      pipe(pipe(outer, map((x: number) => x)), flatMap(() => inner, { concurrency: 2 })),
      { signal: controller.signal },
    );
    const pending = stage.next();
    for (let i = 0; i < 20; i++) await Promise.resolve();
    expect(handed).toHaveLength(1);
    const reason = new Error('stop');
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
    answerSecond({ done: true, value: undefined }); // the outer ends on its own, after the abort
    for (let i = 0; i < 20; i++) await Promise.resolve();
    releaseInner();
    await stage.return();
    expect(handed[0]?.aborted).toBe(true);
    expect(handed[0]?.reason).toBe(reason);
  });

  it('C5: a stage that failed with nobody waiting, closed at any tick of its stop: the error reaches return() or onReport', async () => {
    for (let at = 0; at < 24; at++) {
      const boom = new Error(`boom at ${String(at)}`);
      const reports: Report[] = [];
      const stop = onReport((r) => reports.push(r));
      try {
        const stage = failsReadingAhead(boom);
        expect(await stage.next()).toEqual({ done: false, value: 1 });
        for (let i = 0; i < at; i++) await Promise.resolve();
        let thrown: unknown;
        await stage.return().catch((error: unknown) => {
          thrown = error;
        });
        const seen = thrown === boom || reports.some((r) => r.type === 'late-error' && r.error === boom);
        expect(seen, `closed ${String(at)} ticks after the first item`).toBe(true);
      } finally {
        stop();
      }
    }
  });

  it('C3 rule 1 up a chain: an item decided below before the abort, not yet passed on above it: the pending next() gets the reason', async () => {
    const controller = new AbortController();
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const stage = pipe(
      aclosing([1, 2], { signal: controller.signal }),
      map(async (x: number) => {
        await gate; // the item is past the stage with the signal, still in this one
        return x;
      }),
    );
    const pending = stage.next();
    for (let i = 0; i < 10; i++) await Promise.resolve();
    const reason = new Error('stop');
    controller.abort(reason);
    release();
    await expect(pending).rejects.toBe(reason);
    expect(await stage.next()).toEqual({ done: true, value: undefined });
  });

  it('C3 rule 1: a stage stopped on a read-ahead error nobody received yet; an abort comes first: the next next() gets the reason, the error is reported', async () => {
    const boom = new Error('boom');
    const reports: Report[] = [];
    const stop = onReport((r) => reports.push(r));
    try {
      const controller = new AbortController();
      const stage = pipe(
        [1, 2],
        flatMap((x: number) => {
          if (x === 2) throw boom; // read ahead (concurrency 2) while the consumer is not reading
          return [x];
        }, { concurrency: 2, signal: controller.signal }),
      );
      expect(await stage.next()).toEqual({ done: false, value: 1 });
      for (let i = 0; i < 30; i++) await Promise.resolve(); // the stop has finished, its error kept
      const reason = new Error('stop');
      controller.abort(reason);
      await expect(stage.next()).rejects.toBe(reason);
      expect(await stage.next()).toEqual({ done: true, value: undefined });
      expect(reports).toEqual([expect.objectContaining({ type: 'late-error', error: boom })]);
    } finally {
      stop();
    }
  });

  it('C7: aclosing dropped while its read is parked is reported as abandoned once collected', async () => {
    const reports: string[] = [];
    const stop = onReport((r) => reports.push(r.type));
    // Dropped in a function of its own: nothing here may hold the parked read's resolver,
    // or the stage stays reachable through it (as it should: it could still be answered).
    ((): void => {
      void aclosing(handAnswered().source).next();
    })();
    const gc = (globalThis as { gc?: () => void }).gc;
    for (let i = 0; i < 10 && !reports.includes('abandoned'); i++) {
      await new Promise((r) => setImmediate(r));
      gc?.();
    }
    stop();
    expect(reports).toContain('abandoned');
  });
});
