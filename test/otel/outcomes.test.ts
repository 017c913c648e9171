import { SpanStatusCode, trace } from '@opentelemetry/api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { abortable, pipe } from 'iterscope';
import { traced } from 'iterscope/otel';
import { installTracing, source, ticks, type Tracing } from './tracing.js';

// C9, written down in docs/tracing.md: only `error` is ERROR (with `error.type`); an abort,
// whatever shape it reaches the span in, is `aborted`; the span ends when the source has
// finished closing unless `endWhen: 'stopped'`.

class QuotaError extends Error {}

async function drain(stream: AsyncIterable<unknown>): Promise<void> {
  for await (const _ of stream) {
    // read all
  }
}

describe.each([
  { contextManager: false, label: 'no context manager' },
  { contextManager: true, label: 'AsyncLocalStorage context manager' },
])('span outcomes ($label)', ({ contextManager }) => {
  let t: Tracing;
  beforeEach(() => {
    t = installTracing({ contextManager });
  });
  afterEach(() => {
    expect(t.diagProblems).toEqual([]);
    t.uninstall();
  });

  it.each<{ thrown: unknown; type: string; label: string }>([
    { thrown: new QuotaError('over quota'), type: 'QuotaError', label: 'a subclass that keeps the name Error: its class' },
    { thrown: new DOMException('late', 'TimeoutError'), type: 'TimeoutError', label: 'a specific name: the name' },
    { thrown: new Error('plain'), type: 'Error', label: 'a plain Error' },
    { thrown: 'a string', type: '_OTHER', label: 'not an object: _OTHER' },
  ])('error: status ERROR and error.type ($label)', async ({ thrown, type }) => {
    await expect(drain(pipe(source({ throwAt: 1, error: thrown }), traced({ name: 'stream' })))).rejects.toBe(thrown);
    const span = t.span('stream');
    expect(span.attributes['iterscope.outcome']).toBe('error');
    expect(span.attributes['error.type']).toBe(type);
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
  });

  it('a source rejecting with an AbortError ended aborted: not ERROR, no error.type; the consumer still gets the rejection', async () => {
    const abortError = new DOMException('the SDK was aborted', 'AbortError');
    await expect(drain(pipe(source({ throwAt: 1, error: abortError }), traced({ name: 'stream' })))).rejects.toBe(abortError);
    const span = t.span('stream');
    expect(span.attributes['iterscope.outcome']).toBe('aborted');
    expect(span.attributes['error.type']).toBeUndefined();
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
    expect(span.events.map((e) => e.name)).not.toContain('exception');
  });

  it('an abort below traced (default reason): aborted, not ERROR', async () => {
    const controller = new AbortController();
    const stream = pipe(source({ parkAt: 1 }), abortable(controller.signal), traced({ name: 'stream' }));
    const iterator = stream[Symbol.asyncIterator]();
    await iterator.next();
    const pending = iterator.next();
    controller.abort();
    await expect(pending).rejects.toBe(controller.signal.reason);
    await ticks(10);
    const span = t.span('stream');
    expect(span.attributes['iterscope.outcome']).toBe('aborted');
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
  });

  // Needs the core's classification (a stage below that was aborted reports
  // `{ outcome: 'aborted', reason }` to the stages above): with a reason that is not an
  // AbortError, traced cannot tell the abort from an error on its own.
  it('an abort below traced with a reason of the user\'s own: aborted, not ERROR', async () => {
    const controller = new AbortController();
    const reason = new Error('user left');
    const stream = pipe(source({ parkAt: 1 }), abortable(controller.signal), traced({ name: 'stream' }));
    const iterator = stream[Symbol.asyncIterator]();
    await iterator.next();
    const pending = iterator.next();
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
    await ticks(10);
    const span = t.span('stream');
    expect(span.attributes['iterscope.outcome']).toBe('aborted');
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
  });

  describe('when the span ends', () => {
    async function* slowToClose(): AsyncGenerator<number> {
      try {
        yield 1;
        yield 2;
      } finally {
        await ticks(3);
        trace.getTracer('test').startSpan('close-work').end();
      }
    }

    it('default (closed): after the source finished closing, so the close is inside it', async () => {
      for await (const _ of pipe(slowToClose(), traced({ name: 'stream' }))) break;
      expect(t.spans().map((s) => s.name)).toEqual(['close-work', 'stream']);
      expect(t.span('stream').attributes['iterscope.outcome']).toBe('cancelled');
    });

    it("endWhen: 'stopped': as soon as the consumer stopped, before the source's close", async () => {
      for await (const _ of pipe(slowToClose(), traced({ name: 'stream', endWhen: 'stopped' }))) break;
      expect(t.spans().map((s) => s.name)).toEqual(['stream', 'close-work']);
      expect(t.span('stream').attributes['iterscope.outcome']).toBe('cancelled');
    });

    it("endWhen: 'stopped' still classifies an AbortError from the source as aborted", async () => {
      const abortError = new DOMException('aborted', 'AbortError');
      await expect(drain(pipe(source({ throwAt: 0, error: abortError }), traced({ name: 'stream', endWhen: 'stopped' })))).rejects.toBe(abortError);
      expect(t.span('stream').attributes['iterscope.outcome']).toBe('aborted');
    });
  });
});
