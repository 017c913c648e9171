/**
 * Hand-written reproductions of gaps the property suite found once it generated parks and
 * aborts (C3 rule 1: abort versus end; C7: abandoned while a read is parked). They keep
 * the fixes in place independently of what the generators happen to draw.
 */
import { describe, expect, it } from 'vitest';
import { aclosing, onReport, type Report } from 'iterscope';

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
