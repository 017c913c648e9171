import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { aclosing, map, pipe, take } from 'iterscope';
import { traced } from 'iterscope/otel';
import { collectUntil, idOf, installTracing, parentId, source, ticks, type Tracing } from './tracing.js';

// C9: one span per stream, ended exactly once on every path, with the right outcome,
// status, parent and attributes; with and without a context manager (explicit parents).

describe.each([
  { contextManager: false, label: 'no context manager' },
  { contextManager: true, label: 'AsyncLocalStorage context manager' },
])('traced: every path ($label)', ({ contextManager }) => {
  let t: Tracing;
  beforeEach(() => {
    t = installTracing({ contextManager });
  });
  afterEach(() => {
    // No span ended twice, nothing else the SDK complained about.
    expect(t.diagProblems).toEqual([]);
    t.uninstall();
  });

  function parentContext() {
    const parent = t.tracer.startSpan('parent');
    parent.end();
    return { parent, context: trace.setSpan(ROOT_CONTEXT, parent) };
  }

  function onlyStreamSpan(): ReadableSpan {
    const spans = t.spans().filter((s) => s.name === 'stream');
    expect(spans).toHaveLength(1);
    return spans[0]!;
  }

  it('completed: outcome, item count, time to first item, status unset, explicit parent', async () => {
    const { parent, context } = parentContext();
    const seen: number[] = [];
    for await (const x of pipe(source({ items: 3 }), traced({ name: 'stream', context, attributes: { a: 1 } }))) seen.push(x);
    expect(seen).toEqual([0, 1, 2]);
    const span = onlyStreamSpan();
    expect(span.attributes['iterscope.outcome']).toBe('completed');
    expect(span.attributes['iterscope.items']).toBe(3);
    expect(span.attributes['a']).toBe(1);
    expect(typeof span.attributes['iterscope.time_to_first_item']).toBe('number');
    expect(span.attributes['iterscope.time_to_first_item']).toBeGreaterThanOrEqual(0);
    expect(span.events.map((e) => e.name)).toEqual(['iterscope.first_item']);
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
    expect(parentId(span)).toBe(idOf(parent));
  });

  it('a map right after traced that throws: the stream was cancelled, not in error (pipe runs the map inside the traced stage)', async () => {
    const err = new Error('downstream');
    const stream = pipe(
      source({ items: 5 }),
      traced({ name: 'stream' }),
      map((x: number) => {
        if (x === 2) throw err;
        return x;
      }),
    );
    await expect((async () => {
      for await (const _ of stream) { /* read */ }
    })()).rejects.toBe(err);
    const span = onlyStreamSpan();
    expect(span.attributes['iterscope.outcome']).toBe('cancelled');
    expect(span.attributes['iterscope.items']).toBe(3);
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
  });

  it('an empty stream has no time to first item', async () => {
    for await (const _ of pipe(source({ items: 0 }), traced({ name: 'stream' }))) expect.unreachable();
    const span = onlyStreamSpan();
    expect(span.attributes['iterscope.items']).toBe(0);
    expect(span.attributes['iterscope.time_to_first_item']).toBeUndefined();
    expect(span.events).toEqual([]);
  });

  it('consumer break: cancelled, the source closed once', async () => {
    const src = source();
    for await (const x of pipe(src, traced({ name: 'stream' }))) if (x === 1) break;
    const span = onlyStreamSpan();
    expect(span.attributes['iterscope.outcome']).toBe('cancelled');
    expect(span.attributes['iterscope.items']).toBe(2);
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
    expect(src.calls.return).toBe(1);
  });

  it('consumer throw in the loop body: cancelled, no error status (the stream did not fail)', async () => {
    const boom = new Error('consumer failed');
    await expect(async () => {
      for await (const _ of pipe(source(), traced({ name: 'stream' }))) throw boom;
    }).rejects.toBe(boom);
    const span = onlyStreamSpan();
    expect(span.attributes['iterscope.outcome']).toBe('cancelled');
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
  });

  it('consumer throw(): error, status ERROR with the exception', async () => {
    const boom = new Error('told to fail');
    const stage = pipe(source(), traced({ name: 'stream' }));
    await stage.next();
    await expect(stage.throw(boom)).rejects.toBe(boom);
    const span = onlyStreamSpan();
    expect(span.attributes['iterscope.outcome']).toBe('error');
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'told to fail' });
    expect(span.events.map((e) => e.name)).toContain('exception');
  });

  it('source error: error, status ERROR, exception recorded', async () => {
    const boom = new Error('source failed');
    await expect(async () => {
      for await (const _ of pipe(source({ throwAt: 2, error: boom }), traced({ name: 'stream' }))) {
        // read until the failure
      }
    }).rejects.toBe(boom);
    const span = onlyStreamSpan();
    expect(span.attributes['iterscope.outcome']).toBe('error');
    expect(span.attributes['iterscope.items']).toBe(2);
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'source failed' });
    const exception = span.events.find((e) => e.name === 'exception');
    expect(exception?.attributes?.['exception.message']).toBe('source failed');
  });

  it('a thrown non-error is recorded as a string', async () => {
    await expect(async () => {
      for await (const _ of pipe(source({ throwAt: 0, error: 42 }), traced({ name: 'stream' }))) expect.unreachable();
    }).rejects.toBe(42);
    const span = onlyStreamSpan();
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: '42' });
  });

  it('abort with a reason: aborted, the pending next() rejects with that reason, no error status', async () => {
    const controller = new AbortController();
    const reason = new Error('user left');
    const stage = pipe(source({ parkAt: 1 }), traced({ name: 'stream', signal: controller.signal }));
    await stage.next();
    const pending = stage.next();
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
    await ticks(5);
    const span = onlyStreamSpan();
    expect(span.attributes['iterscope.outcome']).toBe('aborted');
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
  });

  it('abort of a downstream stage reaches the span as aborted', async () => {
    const controller = new AbortController();
    const stage = pipe(source({ parkAt: 1 }), traced({ name: 'stream' }), map((x: number) => x, { signal: controller.signal }));
    await stage.next();
    const pending = stage.next();
    controller.abort('stop');
    await expect(pending).rejects.toBe('stop');
    await ticks(5);
    expect(onlyStreamSpan().attributes['iterscope.outcome']).toBe('aborted');
  });

  it('a source that ends normally when aborted (as some SDKs do) is aborted, not completed', async () => {
    const controller = new AbortController();
    // The source watches the signal and reports done on abort, like an SDK stream.
    let wake: (() => void) | undefined;
    controller.signal.addEventListener('abort', () => wake?.());
    const sdkLike: AsyncIterator<number> = {
      next: () =>
        new Promise((resolve) => {
          wake = () => {
            resolve({ done: true, value: undefined });
          };
        }),
    };
    const stage = pipe(sdkLike, traced({ name: 'stream', signal: controller.signal }));
    const pending = stage.next();
    controller.abort('cancelled by user');
    await expect(pending).rejects.toBe('cancelled by user');
    await ticks(5);
    expect(onlyStreamSpan().attributes['iterscope.outcome']).toBe('aborted');
  });

  it('return() while a next() is pending on a parked source: settled at once, span cancelled', async () => {
    const src = source({ parkAt: 0 });
    const stage = pipe(src, traced({ name: 'stream' }));
    const pending = stage.next();
    await ticks(3);
    await stage.return();
    await expect(pending).resolves.toEqual({ done: true, value: undefined });
    const span = onlyStreamSpan();
    expect(span.attributes['iterscope.outcome']).toBe('cancelled');
    expect(span.attributes['iterscope.items']).toBe(0);
    expect(src.calls.return).toBe(1);
  });

  it('return() before the first next(): cancelled, the given iterator closed', async () => {
    const src = source();
    const stage = pipe(src, traced({ name: 'stream' }));
    await stage.return();
    await stage.return();
    expect(onlyStreamSpan().attributes['iterscope.outcome']).toBe('cancelled');
    expect(src.calls).toEqual({ next: 0, return: 1 });
  });

  it('take downstream finishing early: the traced source is cancelled', async () => {
    const seen: number[] = [];
    for await (const x of pipe(source(), traced({ name: 'stream' }), take(2))) seen.push(x);
    expect(seen).toEqual([0, 1]);
    expect(onlyStreamSpan().attributes['iterscope.outcome']).toBe('cancelled');
  });

  it('a failing close of the source is recorded on the span (C5), outcome stays cancelled', async () => {
    const closeError = new Error('close failed');
    await expect(async () => {
      for await (const _ of pipe(source({ returnError: closeError }), traced({ name: 'stream' }))) break;
    }).rejects.toBe(closeError);
    const span = onlyStreamSpan();
    expect(span.attributes['iterscope.outcome']).toBe('cancelled');
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
    expect(span.events.map((e) => e.name)).toEqual(['iterscope.first_item', 'iterscope.close_error', 'exception']);
    expect(t.reports.map((r) => r.type)).toEqual(['cleanup-error']);
  });

  it('a source with no return() closed early: nothing to wait for, no close error, outcome cancelled', async () => {
    let n = 0;
    const noReturn: AsyncIterator<number> = { next: () => Promise.resolve({ done: false, value: n++ }) };
    const stage = pipe({ [Symbol.asyncIterator]: () => noReturn }, traced({ name: 'stream' }));
    expect(await stage.next()).toEqual({ done: false, value: 0 });
    await expect(stage.return()).resolves.toEqual({ done: true, value: undefined });
    const span = onlyStreamSpan();
    expect(span.attributes['iterscope.outcome']).toBe('cancelled');
    expect(span.events.map((e) => e.name)).toEqual(['iterscope.first_item']);
    expect(t.reports).toEqual([]);
  });

  it.each([
    ['throws', (failure: Error) => () => {
      throw failure;
    }],
    ['rejects', (failure: Error) => () => Promise.reject(failure)],
    ['answers its error without a promise', (failure: Error) => () => failure],
  ] as const)('a source of another iterscope copy whose close %s: the error is the span\'s close error and return()\'s (C5, C11)', async (_name, close) => {
    const failure = new Error('other close broke the protocol');
    const key = (name: string): symbol => Symbol.for(`iterscope.stage.${name}.v1`);
    const other = {
      next: () => Promise.resolve({ done: false, value: 1 }),
      return: () => Promise.resolve({ done: true, value: undefined }),
      [key('close')]: close(failure),
      [key('adopt')]: () => undefined,
      [key('abortedBy')]: () => false,
    } as unknown as AsyncIterator<number>;
    const stage = pipe({ [Symbol.asyncIterator]: () => other }, traced({ name: 'stream' }));
    await stage.next();
    await expect(stage.return()).rejects.toBe(failure);
    const span = onlyStreamSpan();
    expect(span.attributes['iterscope.outcome']).toBe('cancelled');
    expect(span.events.map((e) => e.name)).toEqual(['iterscope.first_item', 'iterscope.close_error', 'exception']);
    expect(t.reports.map((r) => r.type)).toEqual(['cleanup-error']);
  });

  it('the span starts when the operator is applied, before the first next()', async () => {
    const stage = pipe(source({ items: 1 }), traced({ name: 'stream' }));
    const appliedAt = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 20));
    for await (const _ of stage) {
      // drain
    }
    const span = onlyStreamSpan();
    const startMs = span.startTime[0] * 1000 + span.startTime[1] / 1e6;
    expect(startMs).toBeLessThanOrEqual(appliedAt + 1);
    expect(span.attributes['iterscope.time_to_first_item']).toBeGreaterThanOrEqual(0.015);
  });

  it('never iterated and collected: one span, abandoned', async () => {
    (() => {
      pipe([1, 2, 3], traced({ name: 'stream' }));
    })();
    await collectUntil(() => t.spans().length > 0);
    const span = onlyStreamSpan();
    expect(span.attributes['iterscope.outcome']).toBe('abandoned');
    expect(span.attributes['iterscope.items']).toBe(0);
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
  });

  it('abandoned mid-stream and collected: one span, abandoned, items counted', async () => {
    await (async () => {
      const stage = pipe(source(), traced({ name: 'stream' }));
      await stage.next();
      await stage.next();
    })();
    await collectUntil(() => t.spans().length > 0);
    const span = onlyStreamSpan();
    expect(span.attributes['iterscope.outcome']).toBe('abandoned');
    expect(span.attributes['iterscope.items']).toBe(2);
    expect(t.reports.map((r) => r.type)).toEqual(['abandoned']);
  });

  it('abandoned inside a pipeline (owned by a downstream stage): the span still ends once', async () => {
    await (async () => {
      const stage = aclosing(pipe(source(), traced({ name: 'stream' }), map((x: number) => x + 1)));
      await stage.next();
    })();
    await collectUntil(() => t.spans().length > 0);
    expect(onlyStreamSpan().attributes['iterscope.outcome']).toBe('abandoned');
  });

  it('closed after it ended: the span is not ended again', async () => {
    const stage = pipe(source({ items: 1 }), traced({ name: 'stream' }));
    for await (const _ of stage) {
      // drain
    }
    await stage.return();
    await stage.return();
    await expect(stage.throw(new Error('late'))).rejects.toThrow('late');
    expect(onlyStreamSpan().attributes['iterscope.outcome']).toBe('completed');
  });

  it('item events: bounded by maxItemEvents, the rest counted as dropped', async () => {
    const offered: number[] = [];
    const stream = pipe(
      source({ items: 6 }),
      traced<number>({
        name: 'stream',
        maxItemEvents: 2,
        itemEvent: (value, index) => {
          offered.push(index);
          return value % 2 === 0 ? { 'item.value': value } : undefined;
        },
      }),
    );
    for await (const _ of stream) {
      // drain
    }
    const span = onlyStreamSpan();
    const events = span.events.filter((e) => e.name === 'iterscope.item');
    expect(events.map((e) => e.attributes)).toEqual([
      { 'item.value': 0, 'iterscope.item.index': 0 },
      { 'item.value': 2, 'iterscope.item.index': 2 },
    ]);
    expect(offered).toEqual([0, 1, 2]);
    expect(span.attributes['iterscope.item_events_dropped']).toBe(3);
  });

  it('an itemEvent that throws fails the stream like any callback (C1): error, source closed', async () => {
    const src = source();
    const boom = new Error('bad event');
    await expect(async () => {
      for await (const _ of pipe(src, traced({ name: 'stream', itemEvent: () => { throw boom; } }))) {
        // the first item fails
      }
    }).rejects.toBe(boom);
    expect(onlyStreamSpan().attributes['iterscope.outcome']).toBe('error');
    expect(src.calls.return).toBe(1);
  });

  it('uses the given tracer and kind', async () => {
    const otherSpans: string[] = [];
    const tracer = {
      startSpan: (name: string, options: unknown, ctx: unknown) => {
        otherSpans.push(name);
        return t.tracer.startSpan(name, options as never, ctx as never);
      },
      startActiveSpan: t.tracer.startActiveSpan.bind(t.tracer),
    };
    for await (const _ of pipe(source({ items: 1 }), traced({ name: 'stream', tracer, kind: SpanKind.CLIENT }))) {
      // drain
    }
    expect(otherSpans).toEqual(['stream']);
    expect(onlyStreamSpan().kind).toBe(SpanKind.CLIENT);
  });
});
