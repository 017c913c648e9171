/**
 * Reproductions of the entries of known-core-gaps.ts. Each is written as the contract
 * says it should behave and marked `it.fails`: it fails today; once the core keeps the
 * rule it passes, `it.fails` reports that, and the gap and its entry are removed.
 */
import { describe, expect, it } from 'vitest';
import { aclosing } from 'iterscope';

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

describe('known core gaps (remove with the fix)', () => {
  it.fails('C3 rule 1: source done one tick before the abort, next() not yet settled: rejects with the reason', async () => {
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

  it.fails('C3 rule 1: source error one tick before the abort, next() not yet settled: rejects with the reason', async () => {
    const { source, fail } = handAnswered();
    const controller = new AbortController();
    const stage = aclosing(source, { signal: controller.signal });
    let settled = false;
    const pending = stage.next().finally(() => { settled = true; });
    await Promise.resolve();
    await Promise.resolve();
    fail(new Error('source failed'));
    await Promise.resolve();
    const reason = new Error('stop');
    const decidedBefore = settledBeforeNow(() => settled);
    controller.abort(reason);
    await pending.catch(() => undefined);
    expect(decidedBefore()).toBe(false);
    await expect(pending).rejects.toBe(reason);
  });

  it.fails('C7: aclosing dropped while its read is parked is reported as abandoned once collected', async () => {
    const { onReport } = await import('iterscope');
    const reports: string[] = [];
    const stop = onReport((r) => reports.push(r.type));
    const parked = handAnswered(); // never answered: the read stays parked
    let stage: AsyncIterator<number> | undefined = aclosing(parked.source);
    void stage.next();
    stage = undefined;
    const gc = (globalThis as { gc?: () => void }).gc;
    for (let i = 0; i < 10 && !reports.includes('abandoned'); i++) {
      await new Promise((r) => setImmediate(r));
      gc?.();
    }
    stop();
    expect(reports).toContain('abandoned');
  });
});
