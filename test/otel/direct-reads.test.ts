import { context, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { map, pipe, type Stage } from 'iterscope';
import { bindContext, traced } from 'iterscope/otel';
import { source, useTracing } from './tracing.js';

// C8: a stage that runs its source's reads in a context (traced, bindContext) reads an
// iterscope stage below it directly, with no promise per item, when nothing of the
// consumer's runs on the answer before a `next()` settles; otherwise through `next()`, so
// that the steps and stages after it run in the consumer's context. Either way the steps
// below run in the stream's context and the consumer's context never changes.

const key = Symbol('who');
const consumer = ROOT_CONTEXT.setValue(key, 'consumer');

/** An iterscope stage over ten items whose `next()` counts its calls and whose step records the active context. */
function below(seen: unknown[], items = 10): { stage: Stage<number>; nextCalls: () => number } {
  const stage = pipe(
    source({ items }),
    map((x: number) => {
      seen.push(context.active().getValue(key) ?? trace.getActiveSpan()?.spanContext().spanId);
      return x;
    }),
  );
  let calls = 0;
  const next = stage.next.bind(stage);
  stage.next = () => {
    calls++;
    return next();
  };
  return { stage, nextCalls: () => calls };
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

describe('traced over an iterscope stage, with an SDK and a context manager', () => {
  const t = useTracing({ contextManager: true });

  it('reads it directly when only a next() waits; its steps still run with the stream span active', async () => {
    const seen: unknown[] = [];
    const { stage, nextCalls } = below(seen);
    expect(await drainAsConsumer(pipe(stage, traced<number>({ name: 'stream' })))).toHaveLength(10);
    const span = t.span('stream');
    expect(nextCalls()).toBe(0);
    expect(seen).toEqual(Array<string>(10).fill(span.spanContext().spanId));
    expect(span.attributes['iterscope.items']).toBe(10);
    expect(span.attributes['iterscope.outcome']).toBe('completed');
  });

  it('reads it through next() when a step is fused after it: the step runs in the consumer context', async () => {
    const seen: unknown[] = [];
    const after: unknown[] = [];
    const { stage, nextCalls } = below(seen);
    const stream = pipe(
      stage,
      traced<number>({ name: 'stream' }),
      map((x: number) => (after.push(context.active().getValue(key)), x)),
    );
    expect(await drainAsConsumer(stream)).toHaveLength(10);
    expect(nextCalls()).toBe(11);
    expect(after).toEqual(Array<string>(10).fill('consumer'));
    expect(seen).toEqual(Array<string>(10).fill(t.span('stream').spanContext().spanId));
  });

  it('reads it through next() when a stage reads it: that stage runs in the consumer context', async () => {
    const seen: unknown[] = [];
    const after: unknown[] = [];
    const { stage, nextCalls } = below(seen);
    // Not fused: `map` applied to a stage pipe did not just make is a stage of its own.
    const stream = map((x: number) => (after.push(context.active().getValue(key)), x))(pipe(stage, traced<number>({ name: 'stream' })));
    expect(await drainAsConsumer(stream)).toHaveLength(10);
    expect(nextCalls()).toBe(11);
    expect(after).toEqual(Array<string>(10).fill('consumer'));
  });

  it('reads it through next() when itemEvent is given: the callback runs in the consumer context', async () => {
    const seen: unknown[] = [];
    const inEvent: unknown[] = [];
    const { stage, nextCalls } = below(seen);
    const stream = pipe(
      stage,
      traced<number>({
        name: 'stream',
        itemEvent: () => {
          inEvent.push(context.active().getValue(key));
          return undefined;
        },
      }),
    );
    expect(await drainAsConsumer(stream)).toHaveLength(10);
    expect(nextCalls()).toBe(11);
    expect(inEvent).toEqual(Array<string>(10).fill('consumer'));
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
    expect(t.span('cancelled').attributes['iterscope.outcome']).toBe('cancelled');
    expect(src.calls.return).toBe(1);
  });
});

describe('bindContext over an iterscope stage, under a context manager', () => {
  useTracing({ contextManager: true });
  const bound = ROOT_CONTEXT.setValue(key, 'bound');

  it('reads it directly when only a next() waits; its steps run in the bound context', async () => {
    const seen: unknown[] = [];
    const { stage, nextCalls } = below(seen);
    expect(await drainAsConsumer(pipe(stage, bindContext<number>(bound)))).toHaveLength(10);
    expect(nextCalls()).toBe(0);
    expect(seen).toEqual(Array<string>(10).fill('bound'));
  });

  it('reads it through next() when a step is fused after it: the step runs in the consumer context', async () => {
    const seen: unknown[] = [];
    const after: unknown[] = [];
    const { stage, nextCalls } = below(seen);
    const stream = pipe(
      stage,
      bindContext<number>(bound),
      map((x: number) => (after.push(context.active().getValue(key)), x)),
    );
    expect(await drainAsConsumer(stream)).toHaveLength(10);
    expect(nextCalls()).toBe(11);
    expect(seen).toEqual(Array<string>(10).fill('bound'));
    expect(after).toEqual(Array<string>(10).fill('consumer'));
  });
});
