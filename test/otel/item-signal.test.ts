import { describe, expect, it } from 'vitest';
import { pipe } from 'iterscope';
import { mapTraced, type ItemScope } from 'iterscope/otel';
import { collectUntil, source, ticks, useTracing } from './tracing.js';

// What an item's `fn` sees through its signal when the pipeline closes while it runs (C3,
// C7, C9): one signal per item however often it is read, and a reason that says why.

describe.each([1, 2])('mapTraced (concurrency %i): the item signal', (concurrency) => {
  const t = useTracing({ contextManager: false });

  it('read twice, it is one signal: the one fn kept from its first read fires on the close', async () => {
    const kept: AbortSignal[] = [];
    const later: AbortSignal[] = [];
    const stage = pipe(source(), mapTraced(async (_x: number, scope: ItemScope) => {
      kept.push(scope.signal);
      await ticks(2);
      later.push(scope.signal);
      return new Promise<number>(() => undefined);
    }, { name: 'item', concurrency }));
    const pending = stage.next();
    await ticks(10);
    await stage.return();
    await expect(pending).resolves.toEqual({ done: true, value: undefined });
    expect(kept.length).toBeGreaterThan(0);
    expect(later).toEqual(kept);
    expect(kept.every((s) => s.aborted)).toBe(true);
  });

  it('closed by the consumer: an AbortError saying the stream was closed; read after the close, already aborted', async () => {
    const scopes: ItemScope[] = [];
    const stage = pipe(source(), mapTraced((_x: number, scope: ItemScope) => {
      scopes.push(scope);
      return new Promise<number>(() => undefined);
    }, { name: 'item', concurrency }));
    const pending = stage.next();
    await ticks(10);
    await stage.return();
    await pending;
    // Not read while fn ran: made on first use, aborted with the close reason.
    const reason = scopes[0]!.signal.reason as DOMException;
    expect(scopes[0]!.signal.aborted).toBe(true);
    expect(reason).toBeInstanceOf(DOMException);
    expect([reason.name, reason.message]).toEqual(['AbortError', 'The stream was closed while this item was running.']);
  });

  it('collected with fn running: an AbortError saying the stream was abandoned (C7)', async () => {
    const signals: AbortSignal[] = [];
    await (async () => {
      const stage = pipe(source(), mapTraced((_x: number, { signal }: ItemScope) => {
        signals.push(signal);
        return new Promise<number>(() => undefined);
      }, { name: 'item', concurrency }));
      void stage.next();
      await ticks(10);
    })();
    await collectUntil(() => signals.length > 0 && signals.every((s) => s.aborted));
    const reason = signals[0]!.reason as DOMException;
    expect([reason.name, reason.message]).toEqual(['AbortError', 'The stream was abandoned while this item was running.']);
  });

  it.each<{ label: string; giveUp: (signal: AbortSignal) => unknown; reported: boolean }>([
    { label: 'with the abort reason: expected, not reported', giveUp: (signal): unknown => signal.reason, reported: false },
    { label: 'with another error: reported as late (C5)', giveUp: () => new Error('failed after the abort'), reported: true },
  ])('aborted while fn runs, fn gives up $label', async ({ giveUp, reported }) => {
    const controller = new AbortController();
    const gaveUp: unknown[] = [];
    const stage = pipe(source(), mapTraced((_x: number, { signal }: ItemScope) => new Promise<number>((_resolve, reject) => {
      signal.addEventListener('abort', () => {
        const error = giveUp(signal);
        gaveUp.push(error);
        reject(error);
      });
    }), { name: 'item', concurrency, signal: controller.signal }));
    const pending = stage.next();
    await ticks(10);
    controller.abort('user left');
    await expect(pending).rejects.toBe('user left');
    await ticks(10);
    expect(gaveUp).toHaveLength(concurrency);
    expect(t.reports).toEqual(reported ? gaveUp.map((error) => ({ type: 'late-error', stage: 'mapTraced', error })) : []);
  });
});
