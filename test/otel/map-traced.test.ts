import { SpanStatusCode } from '@opentelemetry/api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pipe, take } from 'iterscope';
import { mapTraced, traced, type ItemScope } from 'iterscope/otel';
import { collectUntil, deferred, installTracing, source, ticks, type Tracing, useTracing } from './tracing.js';

// C9: a child span per item, ended when fn settles, or as cancelled/aborted when the
// pipeline closes while fn is still running (and fn's signal fires then).

describe.each([
  { contextManager: false, label: 'no context manager' },
  { contextManager: true, label: 'AsyncLocalStorage context manager' },
])('mapTraced ($label)', ({ contextManager }) => {
  let t: Tracing;
  beforeEach(() => {
    t = installTracing({ contextManager });
  });
  afterEach(() => {
    expect(t.diagProblems).toEqual([]);
    t.uninstall();
  });
  const items = () => t.spans().filter((s) => s.name === 'item');

  it('one span per item, completed, with its index and static attributes; sync and async fn', async () => {
    const out: number[] = [];
    for await (const x of pipe(
      source({ items: 3 }),
      mapTraced((x: number, { index }) => (x === 1 ? Promise.resolve(x * 10 + index) : x * 10 + index), {
        name: 'item',
        attributes: { k: 'v' },
      }),
    )) {
      out.push(x);
    }
    expect(out).toEqual([0, 11, 22]);
    expect(items().map((s) => [s.attributes['iterscope.item.index'], s.attributes['iterscope.outcome'], s.attributes['k']])).toEqual([
      [0, 'completed', 'v'],
      [1, 'completed', 'v'],
      [2, 'completed', 'v'],
    ]);
  });

  it('fn rejects: the item span is an error, the source closed, the consumer gets the error', async () => {
    const src = source();
    const boom = new Error('item failed');
    await expect(async () => {
      for await (const _ of pipe(src, mapTraced(async (x: number) => {
        if (x === 1) throw boom;
        return x;
      }, { name: 'item' }))) {
        // until the failure
      }
    }).rejects.toBe(boom);
    const spans = items();
    expect(spans.map((s) => s.attributes['iterscope.outcome'])).toEqual(['completed', 'error']);
    expect(spans[1]!.status).toEqual({ code: SpanStatusCode.ERROR, message: 'item failed' });
    expect(src.calls.return).toBe(1);
  });

  it('fn throws synchronously: the item span is an error', async () => {
    await expect(async () => {
      for await (const _ of pipe(source(), mapTraced(() => {
        throw new Error('sync');
      }, { name: 'item' }))) {
        // fails at once
      }
    }).rejects.toThrow('sync');
    expect(items().map((s) => s.attributes['iterscope.outcome'])).toEqual(['error']);
  });

  it('closed while fn runs: the item span is cancelled at once, fn\'s signal fires with an AbortError', async () => {
    const gate = deferred<number>();
    let scope: ItemScope | undefined;
    const stage = pipe(source(), mapTraced((_x: number, s) => {
      scope = s;
      return gate.promise;
    }, { name: 'item' }));
    const pending = stage.next();
    await ticks(3);
    const signal = scope!.signal;
    expect(signal.aborted).toBe(false);
    await stage.return();
    await expect(pending).resolves.toEqual({ done: true, value: undefined });
    expect(signal.aborted).toBe(true);
    expect((signal.reason as Error).name).toBe('AbortError');
    expect(items().map((s) => s.attributes['iterscope.outcome'])).toEqual(['cancelled']);
    // fn giving up because of its signal afterwards is expected: no report, no second end.
    gate.reject(signal.reason);
    await ticks(5);
    expect(t.reports).toEqual([]);
    expect(items()).toHaveLength(1);
  });

  it('a signal read only after the close is already aborted', async () => {
    const gate = deferred<number>();
    let scope: ItemScope | undefined;
    const stage = pipe(source(), mapTraced((_x: number, s) => {
      scope = s;
      return gate.promise;
    }, { name: 'item' }));
    void stage.next();
    await ticks(3);
    await stage.return();
    expect(scope!.signal.aborted).toBe(true);
    gate.resolve(1);
    await ticks(3);
    expect(items().map((s) => s.attributes['iterscope.outcome'])).toEqual(['cancelled']);
  });

  it('aborted while fn runs: the item span is aborted, fn\'s signal fires with the same reason', async () => {
    const controller = new AbortController();
    const reason = new Error('deadline');
    let scope: ItemScope | undefined;
    const stage = pipe(source(), mapTraced((_x: number, s) => {
      scope = s;
      return new Promise<number>(() => undefined);
    }, { name: 'item', signal: controller.signal }));
    const pending = stage.next();
    await ticks(3);
    const signal = scope!.signal;
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
    expect(signal.reason).toBe(reason);
    await ticks(3);
    expect(items().map((s) => s.attributes['iterscope.outcome'])).toEqual(['aborted']);
  });

  it('an error after the close that is not the abort is reported, not lost (C5)', async () => {
    const gate = deferred<number>();
    const stage = pipe(source(), mapTraced(() => gate.promise, { name: 'item' }));
    void stage.next();
    await ticks(3);
    await stage.return();
    gate.reject(new Error('unrelated'));
    await ticks(5);
    expect(t.reports.map((r) => r.type)).toEqual(['late-error']);
    expect(items()).toHaveLength(1);
  });

  it('the stream span ends after its items (children before parents)', async () => {
    const stage = pipe(source(), traced({ name: 'stream' }), mapTraced(async (x: number) => x, { name: 'item' }), take(3));
    for await (const _ of stage) {
      // drain
    }
    const names = t.spans().map((s) => s.name);
    expect(names).toEqual(['item', 'item', 'item', 'stream']);
    expect(t.span('stream').attributes['iterscope.outcome']).toBe('cancelled');
  });

  it('abandoned with an item in flight: the item span and the stream span end as abandoned', async () => {
    await (async () => {
      const stage = pipe(source(), traced({ name: 'stream' }), mapTraced(() => new Promise<number>(() => undefined), { name: 'item' }));
      void stage.next();
      await ticks(5);
    })();
    await collectUntil(() => t.spans().length >= 2);
    expect(t.spans().map((s) => [s.name, s.attributes['iterscope.outcome']])).toEqual([
      ['item', 'abandoned'],
      ['stream', 'abandoned'],
    ]);
  });
});

describe('mapTraced with concurrency', () => {
  const t = useTracing({ contextManager: true });
  const items = () => t.spans().filter((s) => s.name === 'item');

  it('runs up to `concurrency` fns at once and keeps the source order', async () => {
    const gates = [deferred<string>(), deferred<string>(), deferred<string>(), deferred<string>()];
    let running = 0;
    let maxRunning = 0;
    const stage = pipe(source({ items: 4 }), mapTraced(async (x: number) => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      try {
        return await gates[x]!.promise;
      } finally {
        running--;
      }
    }, { name: 'item', concurrency: 2 }));
    const first = stage.next();
    await ticks(10);
    expect(running).toBe(2);
    gates[1]!.resolve('b'); // finishes before the head: held back
    await ticks(10);
    gates[0]!.resolve('a');
    await expect(first).resolves.toEqual({ done: false, value: 'a' });
    await expect(stage.next()).resolves.toEqual({ done: false, value: 'b' });
    const third = stage.next();
    await ticks(10);
    gates[3]!.resolve('d');
    gates[2]!.resolve('c');
    await expect(third).resolves.toEqual({ done: false, value: 'c' });
    await expect(stage.next()).resolves.toEqual({ done: false, value: 'd' });
    await expect(stage.next()).resolves.toEqual({ done: true, value: undefined });
    expect(maxRunning).toBe(2);
    expect(items().map((s) => s.attributes['iterscope.outcome'])).toEqual(['completed', 'completed', 'completed', 'completed']);
  });

  it('closed with several in flight: every item span is cancelled before the source is closed, signals fire', async () => {
    const order: string[] = [];
    const signals: AbortSignal[] = [];
    const src = source();
    const originalReturn = src.return.bind(src);
    src.return = () => {
      order.push(`source closed after ${String(items().length)} item spans ended`);
      return originalReturn();
    };
    const stage = pipe(src, mapTraced((_x: number, { signal }) => {
      signals.push(signal);
      return new Promise<number>(() => undefined);
    }, { name: 'item', concurrency: 3 }));
    const pending = stage.next();
    await ticks(20);
    expect(signals).toHaveLength(3);
    await stage.return();
    await expect(pending).resolves.toEqual({ done: true, value: undefined });
    expect(order).toEqual(['source closed after 3 item spans ended']);
    expect(signals.every((s) => s.aborted)).toBe(true);
    expect(items().map((s) => s.attributes['iterscope.outcome'])).toEqual(['cancelled', 'cancelled', 'cancelled']);
  });

  it('the first failure closes the others and reaches the consumer', async () => {
    const boom = new Error('second failed');
    const src = source();
    const stage = pipe(src, mapTraced((x: number) => (x === 1 ? Promise.reject(boom) : new Promise<number>(() => undefined)), {
      name: 'item',
      concurrency: 3,
    }));
    await expect(stage.next()).rejects.toBe(boom);
    expect(src.calls.return).toBe(1);
    const outcomes = items().map((s) => [s.attributes['iterscope.item.index'], s.attributes['iterscope.outcome']]);
    expect(outcomes).toContainEqual([1, 'error']);
    expect(outcomes.filter(([, o]) => o === 'cancelled')).toHaveLength(outcomes.length - 1);
  });

  it('a source error fails fast: it reaches the consumer, the items in flight are cancelled', async () => {
    const boom = new Error('source failed');
    const src = source({ throwAt: 2, error: boom });
    const stage = pipe(src, mapTraced(() => new Promise<number>(() => undefined), { name: 'item', concurrency: 4 }));
    await expect(stage.next()).rejects.toBe(boom);
    expect(src.calls).toEqual({ next: 3, return: 0 }); // a failed source is not closed again (C1)
    expect(items().map((s) => s.attributes['iterscope.outcome'])).toEqual(['cancelled', 'cancelled']);
  });

  it('a stream span whose source finished while items read ahead still run ends after them', async () => {
    const gate = deferred<number>();
    const stage = pipe(source({ items: 1 }), traced({ name: 'stream' }), mapTraced(() => gate.promise, { name: 'item', concurrency: 2 }));
    const first = stage.next();
    await ticks(20); // the source reported done while the item runs
    expect(t.spans()).toEqual([]);
    gate.resolve(7);
    await expect(first).resolves.toEqual({ done: false, value: 7 });
    await expect(stage.next()).resolves.toEqual({ done: true, value: undefined });
    expect(t.spans().map((s) => [s.name, s.attributes['iterscope.outcome']])).toEqual([
      ['item', 'completed'],
      ['stream', 'completed'],
    ]);
  });

  it('Infinity is accepted, and an empty source completes', async () => {
    for await (const _ of pipe(source({ items: 0 }), mapTraced((x: number) => x, { name: 'item', concurrency: Infinity }))) {
      expect.unreachable();
    }
    const out: number[] = [];
    for await (const x of pipe(source({ items: 5 }), mapTraced(async (x: number) => x, { name: 'item', concurrency: Infinity }))) out.push(x);
    expect(out).toEqual([0, 1, 2, 3, 4]);
  });

  it('abort with items in flight: all aborted with the reason', async () => {
    const controller = new AbortController();
    const signals: AbortSignal[] = [];
    const stage = pipe(source(), mapTraced((_x: number, { signal }) => {
      signals.push(signal);
      return new Promise<number>(() => undefined);
    }, { name: 'item', concurrency: 2, signal: controller.signal }));
    const pending = stage.next();
    await ticks(20);
    controller.abort('stop');
    await expect(pending).rejects.toBe('stop');
    await ticks(5);
    expect(signals.map((s) => s.reason as unknown)).toEqual(['stop', 'stop']);
    expect(items().map((s) => s.attributes['iterscope.outcome'])).toEqual(['aborted', 'aborted']);
  });
});
