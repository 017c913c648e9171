import { context, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { afterEach, describe, expect, it } from 'vitest';
import { batch, map, pipe, type Operator, type Stage } from 'iterscope';
import { bindContext, traced } from 'iterscope/otel';
import { countedStage, countingManager, sdk, source, useTracing } from './tracing.js';

// C8: a stage that runs its source's reads in a context (traced, bindContext) reads an
// iterscope stage below it directly, with no promise per item, when nothing of the
// consumer's runs on the answer before a `next()` settles; otherwise through `next()`, so
// that the steps and stages after it run in the consumer's context. Either way the steps
// below run in the stream's context and the consumer's context never changes.

const key = Symbol('who');
const consumer = ROOT_CONTEXT.setValue(key, 'consumer');
const bound = ROOT_CONTEXT.setValue(key, 'bound');

/** Who the code running now says it runs for: the active span's id, else the bound value. */
const who = (): unknown => trace.getActiveSpan()?.spanContext().spanId ?? context.active().getValue(key);

/** Ten items below, each step recording who it ran for. */
function below(): { stage: Stage<number>; nextCalls: () => number; seen: unknown[] } {
  const seen: unknown[] = [];
  return { ...countedStage(10, () => seen.push(who())), seen };
}

/** A callback after the stage that records who it ran for. */
function recording(after: unknown[]): (x: number) => number {
  return (x) => (after.push(who()), x);
}

/** Drain `stream` in the consumer's context; every item must see that context, not the stream's. */
async function drainAsConsumer(stream: AsyncIterable<number>): Promise<number[]> {
  return context.with(consumer, async () => {
    const out: number[] = [];
    for await (const x of stream) {
      expect(context.active().getValue(key)).toBe('consumer');
      expect(trace.getActiveSpan()).toBeUndefined();
      out.push(x);
    }
    return out;
  });
}

describe('reading an iterscope stage inside a context, with an SDK and a context manager', () => {
  const t = useTracing({ contextManager: true });

  /** The stage under test, and who the steps below it must run for. */
  const stages: [string, () => Operator<number, number>, () => unknown][] = [
    ['traced', () => traced<number>({ name: 'stream' }), () => t.span('stream').spanContext().spanId],
    ['bindContext', () => bindContext<number>(bound), () => 'bound'],
  ];

  it.each(stages)('%s reads it directly when only a next() waits; its steps run in the stream context', async (_name, operator, inside) => {
    const { stage, nextCalls, seen } = below();
    expect(await drainAsConsumer(pipe(stage, operator()))).toHaveLength(10);
    expect(nextCalls()).toBe(0);
    expect(seen).toEqual(Array<unknown>(10).fill(inside()));
  });

  it.each(stages)('%s reads it through next() when a step is fused after it: the step runs in the consumer context', async (_name, operator, inside) => {
    const { stage, nextCalls, seen } = below();
    const after: unknown[] = [];
    expect(await drainAsConsumer(pipe(stage, operator(), map(recording(after))))).toHaveLength(10);
    expect(nextCalls()).toBe(11);
    expect(after).toEqual(Array<string>(10).fill('consumer'));
    expect(seen).toEqual(Array<unknown>(10).fill(inside()));
  });

  it.each(stages)('%s reads it through next() when a stage reads it: that stage runs in the consumer context', async (_name, operator) => {
    const { stage, nextCalls } = below();
    const after: unknown[] = [];
    // Not fused: `map` applied to a stage pipe did not just make is a stage of its own.
    expect(await drainAsConsumer(map(recording(after))(pipe(stage, operator())))).toHaveLength(10);
    expect(nextCalls()).toBe(11);
    expect(after).toEqual(Array<string>(10).fill('consumer'));
  });

  it('traced reads it through next() when itemEvent is given: the callback runs in the consumer context', async () => {
    const { stage, nextCalls } = below();
    const inEvent: unknown[] = [];
    const itemEvent = (x: number): undefined => void recording(inEvent)(x);
    expect(await drainAsConsumer(pipe(stage, traced<number>({ name: 'stream', itemEvent })))).toHaveLength(10);
    expect(nextCalls()).toBe(11);
    expect(inEvent).toEqual(Array<string>(10).fill('consumer'));
    expect(t.span('stream').attributes['iterscope.items']).toBe(10);
  });

  it('read directly: a failure below ends the span as an error, an abort below as aborted, a break as cancelled', async () => {
    const failing = pipe(
      source({ items: 10 }),
      map((x: number) => {
        if (x === 3) throw new Error('boom');
        return x;
      }),
    );
    await expect(drainAsConsumer(pipe(failing, traced<number>({ name: 'failing' })))).rejects.toThrow('boom');
    expect(t.span('failing').attributes['iterscope.outcome']).toBe('error');

    const controller = new AbortController();
    const aborting = pipe(source({ items: 10 }), map((x: number) => x, { signal: controller.signal }));
    const reason = new Error('stop');
    await expect(
      context.with(consumer, async () => {
        for await (const x of pipe(aborting, traced<number>({ name: 'aborted' }))) if (x === 2) controller.abort(reason);
      }),
    ).rejects.toBe(reason);
    expect(t.span('aborted').attributes['iterscope.outcome']).toBe('aborted');

    const src = source({ items: 10 });
    await context.with(consumer, async () => {
      for await (const x of pipe(pipe(src, map((y: number) => y)), traced<number>({ name: 'cancelled' }))) if (x === 2) break;
    });
    const cancelled = t.span('cancelled');
    expect(cancelled.attributes['iterscope.outcome']).toBe('cancelled');
    expect(cancelled.attributes['iterscope.items']).toBe(3);
    expect(src.calls.return).toBe(1);
  });
});

describe('a reading stage queued behind a next() of traced', () => {
  const t = useTracing({ contextManager: true });

  it('still runs in the consumer context: the direct read is only taken while nothing but next() calls wait', async () => {
    const { stage, seen } = below();
    const after: unknown[] = [];
    const results = await context.with(consumer, async () => {
      const stream = pipe(stage, traced<number>({ name: 'stream' }));
      const first = stream.next(); // the head: a next()
      const reading = map(recording(after))(stream); // a stage reading it directly, queued behind it
      const second = reading.next();
      const out = [await first, await second];
      await reading.return();
      return out;
    });
    expect(results.map((r) => r.value)).toEqual([0, 1]);
    expect(after).toEqual(['consumer']);
    expect(seen.slice(0, 2)).toEqual(Array<unknown>(2).fill(t.span('stream').spanContext().spanId));
  });
});

describe('traced after a batching stage (docs/tracing.md: trace batches where items are many and small)', () => {
  afterEach(() => {
    trace.disable();
    context.disable();
  });

  it('enters the stream context about once per batch, and every read of the source below still runs in it', async () => {
    const { provider, finishedSpans } = sdk.createProvider();
    trace.setGlobalTracerProvider(provider);
    const switches = countingManager();
    const activeInProducer: (string | undefined)[] = [];
    async function* producer(): AsyncGenerator<number> {
      for (let i = 0; i < 1_000; i++) {
        activeInProducer.push(trace.getActiveSpan()?.spanContext().spanId);
        await Promise.resolve(); // a real suspension between items
        yield i;
      }
    }
    const sizes = await context.with(consumer, async () => {
      const out: number[] = [];
      for await (const b of pipe(producer(), batch(100), traced<number[]>({ name: 'stream' }))) {
        expect(context.active().getValue(key)).toBe('consumer');
        out.push(b.length);
      }
      return out;
    });
    expect(sizes).toEqual(Array<number>(10).fill(100));
    const [span] = finishedSpans();
    expect(activeInProducer).toEqual(Array<string | undefined>(1_000).fill(span?.spanContext().spanId));
    // About one switch per batch, never one per item of the source (1,000): a read of
    // traced for each batch and for the end, the close, and this test's own context.with.
    expect(switches.calls()).toBeGreaterThanOrEqual(11);
    expect(switches.calls()).toBeLessThan(20);
  });
});
