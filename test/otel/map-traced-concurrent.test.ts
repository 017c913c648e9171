import { SpanStatusCode } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { pipe, withCleanup, type Exit } from 'iterscope';
import { mapTraced, traced, type ItemScope } from 'iterscope/otel';
import { controlled } from '../helpers/controlled.js';
import { collectUntil, deferred, idOf, parentId, source, ticks, useTracing } from './tracing.js';

// mapTraced with `concurrency` above 1: what the consumer receives, what the spans say and
// what is reported, on the paths the in-order tests do not take: synchronous fns, results
// that arrive while nobody reads, failures nobody waits for, items that give up after the
// close (C1, C4, C5, C7, C9).

describe('mapTraced with concurrency: results and failures', () => {
  const t = useTracing({ contextManager: false });
  const items = () => t.spans().filter((s) => s.name === 'item');
  const outcomes = () => items().map((s) => [s.attributes['iterscope.item.index'], s.attributes['iterscope.outcome']]);
  const lateErrors = () => t.reports.filter((r) => r.type === 'late-error');

  it('a synchronous fn: its values in order, each item span completed', async () => {
    const out: number[] = [];
    for await (const x of pipe(source({ items: 3 }), mapTraced((x: number) => x * 10, { name: 'item', concurrency: 2 }))) out.push(x);
    expect(out).toEqual([0, 10, 20]);
    expect(outcomes()).toEqual([
      [0, 'completed'],
      [1, 'completed'],
      [2, 'completed'],
    ]);
  });

  it('a fn that throws synchronously: the consumer gets the error, the item span has it, the source is closed (C1)', async () => {
    const boom = new Error('sync failure');
    const src = source();
    const stage = pipe(src, mapTraced((x: number) => {
      if (x === 1) throw boom;
      return new Promise<number>(() => undefined);
    }, { name: 'item', concurrency: 2 }));
    await expect(stage.next()).rejects.toBe(boom);
    expect(src.calls.return).toBe(1);
    expect(outcomes()).toEqual([
      [1, 'error'],
      [0, 'cancelled'],
    ]);
    expect(items()[0]!.status).toEqual({ code: SpanStatusCode.ERROR, message: 'sync failure' });
  });

  it('a result that arrives while nobody reads is kept for the next read', async () => {
    const gates = [deferred<string>(), deferred<string>()];
    const stage = pipe(source({ items: 2 }), mapTraced((x: number) => gates[x]!.promise, { name: 'item', concurrency: 2 }));
    const first = stage.next();
    await ticks(10);
    gates[0]!.resolve('a');
    await expect(first).resolves.toEqual({ done: false, value: 'a' });
    gates[1]!.resolve('b'); // nobody is reading now
    await ticks(10);
    await expect(stage.next()).resolves.toEqual({ done: false, value: 'b' });
    await expect(stage.next()).resolves.toEqual({ done: true, value: undefined });
  });

  it('never runs more than `concurrency` fns, also when a result is taken while the source is still asked for the next item', async () => {
    const src = controlled<number>();
    const first = deferred<number>();
    let running = 0;
    let mostRunning = 0;
    const stage = pipe(src, mapTraced((x: number) => {
      running++;
      mostRunning = Math.max(mostRunning, running);
      return x === 0 ? first.promise : new Promise<number>(() => undefined);
    }, { name: 'item', concurrency: 2 }));
    const head = stage.next();
    src.push(0);
    await ticks(10); // item 0 runs, the source is asked for the next item
    running--;
    first.resolve(7);
    await expect(head).resolves.toEqual({ done: false, value: 7 });
    void stage.next(); // nothing is queued; the request to the source is still pending
    await ticks(10);
    for (const x of [1, 2, 3]) {
      src.push(x);
      await ticks(10);
    }
    expect(running).toBe(2);
    expect(mostRunning).toBe(2);
    await stage.return();
  });

  it('the first failure is the one delivered; the later one stays on its span', async () => {
    const first = new Error('failed first');
    const second = new Error('failed second');
    const gates = [deferred<number>(), deferred<number>(), deferred<number>()];
    const stage = pipe(source({ items: 3 }), mapTraced((x: number) => gates[x]!.promise, { name: 'item', concurrency: 3 }));
    const head = stage.next();
    await ticks(20);
    gates[0]!.resolve(0);
    await expect(head).resolves.toEqual({ done: false, value: 0 });
    gates[2]!.reject(first); // nobody is reading
    await ticks(5);
    gates[1]!.reject(second);
    await ticks(5);
    await expect(stage.next()).rejects.toBe(first);
    expect(outcomes()).toEqual([
      [0, 'completed'],
      [2, 'error'],
      [1, 'error'],
    ]);
    expect(items()[2]!.status.message).toBe('failed second');
    expect(lateErrors()).toEqual([]);
  });

  it('a source failure nobody waited for, then closed: reported as a late error of mapTraced (C5)', async () => {
    const src = controlled<number>();
    const gate = deferred<number>();
    const stage = pipe(src, mapTraced(() => gate.promise, { name: 'item', concurrency: 2 }));
    const head = stage.next();
    src.push(1);
    await ticks(10); // item 0 runs, the second request waits on the source
    gate.resolve(5);
    await expect(head).resolves.toEqual({ done: false, value: 5 });
    const lost = new Error('source failed while nobody read');
    src.fail(lost);
    await ticks(10);
    await expect(stage.return()).resolves.toEqual({ done: true, value: undefined });
    expect(lateErrors()).toEqual([{ type: 'late-error', stage: 'mapTraced', error: lost }]);
  });

  it('a source failure delivered to the consumer is not reported as well', async () => {
    const boom = new Error('source failed');
    const stage = pipe(source({ throwAt: 1, error: boom }), mapTraced(async (x: number) => x, { name: 'item', concurrency: 2 }));
    await expect(stage.next()).resolves.toEqual({ done: false, value: 0 });
    await expect(stage.next()).rejects.toBe(boom);
    await stage.return();
    await ticks(10);
    expect(t.reports).toEqual([]);
  });

  it('an item failure nobody waited for, then closed: on its span, not reported', async () => {
    const gates = [deferred<number>(), deferred<number>()];
    const stage = pipe(source({ items: 2 }), mapTraced((x: number) => gates[x]!.promise, { name: 'item', concurrency: 2 }));
    const head = stage.next();
    await ticks(10);
    gates[0]!.resolve(0);
    await expect(head).resolves.toEqual({ done: false, value: 0 });
    gates[1]!.reject(new Error('item failed while nobody read'));
    await ticks(10);
    await stage.return();
    expect(outcomes()).toEqual([
      [0, 'completed'],
      [1, 'error'],
    ]);
    expect(t.reports).toEqual([]);
  });

  it.each<{ label: string; rejectWith: (scope: ItemScope) => unknown; reported: boolean }>([
    { label: 'its own signal\'s reason: expected, not reported', rejectWith: (scope): unknown => scope.signal.reason, reported: false },
    { label: 'another AbortError: expected, not reported', rejectWith: () => new DOMException('the request was aborted', 'AbortError'), reported: false },
    { label: 'any other error: reported as late (C5)', rejectWith: () => new Error('failed after the close'), reported: true },
  ])('an item that rejects after the close with $label', async ({ rejectWith, reported }) => {
    const gave: unknown[] = [];
    const stage = pipe(source(), mapTraced((_x: number, scope) => new Promise<number>((_resolve, reject) => {
      scope.signal.addEventListener('abort', () => {
        const error = rejectWith(scope);
        gave.push(error);
        reject(error);
      });
    }), { name: 'item', concurrency: 2 }));
    const pending = stage.next();
    await ticks(10);
    await stage.return();
    await expect(pending).resolves.toEqual({ done: true, value: undefined });
    await ticks(10);
    expect(gave).toHaveLength(2);
    expect(lateErrors()).toEqual(reported ? gave.map((error) => ({ type: 'late-error', stage: 'mapTraced', error })) : []);
    expect(outcomes()).toEqual([
      [0, 'cancelled'],
      [1, 'cancelled'],
    ]);
  });

  it('a source that rejects with an AbortError ended by abort: the stage below and the span above say aborted (C3)', async () => {
    const abortError = new DOMException('the SDK was aborted', 'AbortError');
    const exits: Exit[] = [];
    const src = source({ throwAt: 1, error: abortError });
    const stage = pipe(
      src,
      mapTraced((x: number) => new Promise<number>(() => undefined).then(() => x), { name: 'item', concurrency: 2 }),
      withCleanup((exit) => {
        exits.push(exit);
      }),
      traced({ name: 'stream' }),
    );
    await expect(stage.next()).rejects.toBe(abortError);
    await ticks(10);
    expect(src.calls.return).toBe(0);
    expect(exits).toEqual([{ outcome: 'aborted', reason: abortError }]);
    expect(t.span('stream').attributes['iterscope.outcome']).toBe('aborted');
    expect(outcomes()).toEqual([[0, 'aborted']]);
  });

  it('a mapTraced after it hangs its item spans from the same stream span', async () => {
    const stream = pipe(
      source({ items: 2 }),
      traced({ name: 'stream' }),
      mapTraced(async (x: number) => x, { name: 'item', concurrency: 2 }),
      mapTraced((x: number) => x, { name: 'then' }),
    );
    for await (const _ of stream) {
      // drain
    }
    const streamId = idOf(t.span('stream'));
    expect(items().map(parentId)).toEqual([streamId, streamId]);
    expect(t.spans().filter((s) => s.name === 'then').map(parentId)).toEqual([streamId, streamId]);
  });

  it('collected with items in flight: the safety net ends every item span as abandoned (C7)', async () => {
    await (async () => {
      const stage = pipe(source(), mapTraced(() => new Promise<number>(() => undefined), { name: 'item', concurrency: 2 }));
      void stage.next();
      await ticks(10);
    })();
    await collectUntil(() => items().length >= 2);
    expect(outcomes()).toEqual([
      [0, 'abandoned'],
      [1, 'abandoned'],
    ]);
  });
});
