import { context, ROOT_CONTEXT, trace, type Context } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { map, pipe } from 'iterscope';
import { bindContext, mapTraced, traced } from 'iterscope/otel';
import { idOf, parentId, useTracing } from './tracing.js';

// C8: a generator created under span A and consumed under span B. Spans it creates after
// each resume must be children of the stream span (or of the bound context); spans the
// consumer creates must stay children of B; the consumer never sees the stream span.

describe('parentage under a foreign consumer context (AsyncLocalStorage context manager)', () => {
  const t = useTracing({ contextManager: true });

  /** Creates one span per item after an await inside the generator (after each resume). */
  async function* producer(n: number): AsyncGenerator<number> {
    for (let i = 0; i < n; i++) {
      await new Promise((resolve) => setImmediate(resolve));
      t.tracer.startSpan(`produce-${String(i)}`).end();
      yield i;
    }
  }

  async function consume(stream: AsyncIterable<number>, under: Context, seenActive: (string | undefined)[]): Promise<void> {
    await context.with(under, async () => {
      for await (const x of stream) {
        seenActive.push(trace.getActiveSpan()?.spanContext().spanId);
        t.tracer.startSpan(`consume-${String(x)}`).end();
      }
    });
  }

  it('control, without iterscope: the generator\'s spans get the consumer\'s span B as parent', async () => {
    const a = t.tracer.startSpan('A');
    const b = t.tracer.startSpan('B');
    // The usual attempt: create the generator while A is active.
    const stream = context.with(trace.setSpan(ROOT_CONTEXT, a), () => producer(3));
    await consume(stream, trace.setSpan(ROOT_CONTEXT, b), []);
    a.end();
    b.end();
    for (let i = 0; i < 3; i++) expect(parentId(t.span(`produce-${String(i)}`))).toBe(idOf(b));
  });

  it('traced: the generator\'s spans are children of the stream span after every resume, the consumer\'s of B', async () => {
    const a = t.tracer.startSpan('A');
    const b = t.tracer.startSpan('B');
    const stream = context.with(trace.setSpan(ROOT_CONTEXT, a), () => pipe(producer(3), traced({ name: 'stream' })));
    const seenActive: (string | undefined)[] = [];
    await consume(stream, trace.setSpan(ROOT_CONTEXT, b), seenActive);
    a.end();
    b.end();
    const streamSpan = t.span('stream');
    expect(parentId(streamSpan)).toBe(idOf(a));
    for (let i = 0; i < 3; i++) {
      expect(parentId(t.span(`produce-${String(i)}`))).toBe(idOf(streamSpan));
      expect(parentId(t.span(`consume-${String(i)}`))).toBe(idOf(b));
    }
    // The consumer never saw the stream span as active.
    expect(seenActive).toEqual([idOf(b), idOf(b), idOf(b)]);
  });

  it('traced: the generator\'s finally (run by return()) also sees the stream span', async () => {
    const b = t.tracer.startSpan('B');
    async function* withFinally(): AsyncGenerator<number> {
      try {
        yield 1;
        yield 2;
      } finally {
        t.tracer.startSpan('finally').end();
      }
    }
    const stream = pipe(withFinally(), traced({ name: 'stream' }));
    await context.with(trace.setSpan(ROOT_CONTEXT, b), async () => {
      for await (const _ of stream) break;
    });
    b.end();
    expect(parentId(t.span('finally'))).toBe(idOf(t.span('stream')));
  });

  it('bindContext: every step of the generator runs in the bound context; the consumer keeps B', async () => {
    const a = t.tracer.startSpan('A');
    const b = t.tracer.startSpan('B');
    const stream = pipe(producer(3), bindContext(trace.setSpan(ROOT_CONTEXT, a)));
    const seenActive: (string | undefined)[] = [];
    await consume(stream, trace.setSpan(ROOT_CONTEXT, b), seenActive);
    a.end();
    b.end();
    for (let i = 0; i < 3; i++) {
      expect(parentId(t.span(`produce-${String(i)}`))).toBe(idOf(a));
      expect(parentId(t.span(`consume-${String(i)}`))).toBe(idOf(b));
    }
    expect(seenActive).toEqual([idOf(b), idOf(b), idOf(b)]);
  });

  it('bindContext: an iterable is opened inside the bound context', async () => {
    const a = t.tracer.startSpan('A');
    let openedUnder: string | undefined;
    const iterable: AsyncIterable<number> = {
      [Symbol.asyncIterator]() {
        openedUnder = trace.getActiveSpan()?.spanContext().spanId;
        return (async function* () {
          yield 1;
        })();
      },
    };
    for await (const _ of pipe(iterable, bindContext(trace.setSpan(ROOT_CONTEXT, a)))) {
      // drain
    }
    a.end();
    expect(openedUnder).toBe(idOf(a));
  });

  it('mapTraced: fn runs with its item span active, item spans are children of the stream span', async () => {
    const b = t.tracer.startSpan('B');
    const activeInFn: (string | undefined)[] = [];
    const stream = pipe(
      producer(2),
      traced({ name: 'stream' }),
      mapTraced(
        async (x: number, { span }) => {
          await new Promise((resolve) => setImmediate(resolve));
          activeInFn.push(trace.getActiveSpan()?.spanContext().spanId);
          t.tracer.startSpan(`inside-${String(x)}`).end();
          return span.spanContext().spanId;
        },
        { name: 'item' },
      ),
    );
    const itemIds: string[] = [];
    await context.with(trace.setSpan(ROOT_CONTEXT, b), async () => {
      for await (const id of stream) itemIds.push(id);
    });
    b.end();
    const streamSpan = t.span('stream');
    const items = t.spans().filter((s) => s.name === 'item');
    expect(items.map(idOf)).toEqual(itemIds);
    for (const item of items) expect(parentId(item)).toBe(idOf(streamSpan));
    expect(activeInFn).toEqual(itemIds);
    expect(parentId(t.span('inside-0'))).toBe(itemIds[0]);
    expect(parentId(t.span('inside-1'))).toBe(itemIds[1]);
  });

  it('stages built apart around traced: the one below runs in the stream span, the one above in the consumer\'s', async () => {
    const b = t.tracer.startSpan('B');
    const below: (string | undefined)[] = [];
    const above: (string | undefined)[] = [];
    const active = (): string | undefined => trace.getActiveSpan()?.spanContext().spanId;
    // Three stages, each reading the one before directly where it can (no promise per hop):
    // traced reads through next() inside its span, so no answer carries that span upward.
    const inner = map((x: number) => {
      below.push(active());
      return x;
    })(producer(2));
    const stream = map((x: number) => {
      above.push(active());
      return x;
    })(traced<number>({ name: 'stream' })(inner));
    await consume(stream, trace.setSpan(ROOT_CONTEXT, b), []);
    b.end();
    const streamSpan = idOf(t.span('stream'));
    expect(below).toEqual([streamSpan, streamSpan]);
    expect(above).toEqual([idOf(b), idOf(b)]);
  });

});

describe('explicit parents without a context manager', () => {
  const t = useTracing({ contextManager: false });

  it('traced takes its parent from options.context; mapTraced hangs items from the stream span', async () => {
    const a = t.tracer.startSpan('A');
    const ctx = trace.setSpan(ROOT_CONTEXT, a);
    const stream = pipe(
      [1, 2],
      traced({ name: 'stream', context: ctx }),
      mapTraced((x: number, { span, context: itemContext }) => {
        // The item's context is handed over explicitly: usable with no context manager.
        t.tracer.startSpan('nested', {}, itemContext).end();
        return span.spanContext().spanId;
      }, { name: 'item' }),
    );
    for await (const _ of stream) {
      // drain
    }
    a.end();
    const streamSpan = t.span('stream');
    expect(parentId(streamSpan)).toBe(idOf(a));
    const items = t.spans().filter((s) => s.name === 'item');
    expect(items).toHaveLength(2);
    for (const item of items) expect(parentId(item)).toBe(idOf(streamSpan));
    for (const nested of t.spans().filter((s) => s.name === 'nested')) {
      expect(items.map(idOf)).toContain(parentId(nested));
    }
  });

  it('mapTraced without a traced stage upstream takes options.context', async () => {
    const a = t.tracer.startSpan('A');
    for await (const _ of pipe([1], map((x: number) => x), mapTraced((x: number) => x, { name: 'item', context: trace.setSpan(ROOT_CONTEXT, a) }))) {
      // drain
    }
    a.end();
    expect(parentId(t.span('item'))).toBe(idOf(a));
  });

  it('mapTraced after mapTraced shares the stream span as parent', async () => {
    const stream = pipe(
      [1],
      traced({ name: 'stream' }),
      mapTraced((x: number) => x, { name: 'first' }),
      mapTraced((x: number) => x, { name: 'second' }),
    );
    for await (const _ of stream) {
      // drain
    }
    const streamId = idOf(t.span('stream'));
    expect(parentId(t.span('first'))).toBe(streamId);
    expect(parentId(t.span('second'))).toBe(streamId);
  });

  it('without a context, the stream span is a root span', async () => {
    for await (const _ of pipe([1], traced({ name: 'stream' }))) {
      // drain
    }
    expect(parentId(t.span('stream'))).toBeUndefined();
  });

});
