/**
 * scoped generators under the harness's generated scenarios (iterscope/testing): sources
 * that park, fail or ignore signals; consumers that break while a read is pending, throw,
 * abort or drop the stream. A plain generator in the same place breaks `return-bounded`
 * (see docs/testing.md); a scoped one keeps every invariant, with a traced stream it owns
 * ending its span once with the outcome the consumer saw.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { context, trace, type Span } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider, type ReadableSpan, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { pipe, scoped, type Source } from 'iterscope';
import { traced } from 'iterscope/otel';
import { checkContract, spanCheck, type SubjectInput, type SpanLike } from 'iterscope/testing';

/** The resolver shape: a generator that reads the stream it owns and yields each item on. */
const passOn = async function* ({ own }: { own: <T>(s: Source<T>) => AsyncIterable<T> }, source: Source<number>) {
  for await (const x of own(source)) yield x;
};

describe('scoped generators keep the closing contract', () => {
  it('one scoped generator reading its source', async () => {
    const summary = await checkContract(({ source, signal }: SubjectInput) => scoped(passOn, { signal })(source), { runs: 300 });
    expect(summary.runs).toBe(300);
  }, 120_000);

  it('a chain of three scoped generators', async () => {
    const summary = await checkContract(
      ({ source, signal }: SubjectInput) => pipe(source, scoped(passOn), scoped(passOn), scoped(passOn, { signal })),
      { runs: 200 },
    );
    expect(summary.runs).toBe(200);
  }, 120_000);
});

describe('a traced stream owned by a scoped generator', () => {
  const started: SpanLike[] = [];
  const ended: SpanLike[] = [];
  const recorder: SpanProcessor = {
    onStart: (span) => started.push(span),
    onEnd: (span: ReadableSpan) => ended.push(span),
    forceFlush: () => Promise.resolve(),
    shutdown: () => Promise.resolve(),
  };
  const tracer = new BasicTracerProvider({ spanProcessors: [recorder] }).getTracer('scoped');
  const manager = new AsyncLocalStorageContextManager();
  let parent: Span;
  beforeAll(() => {
    context.setGlobalContextManager(manager.enable());
    parent = tracer.startSpan('request');
  });
  afterAll(() => {
    parent.end();
    context.disable();
  });

  it('ends its span once, with the outcome the consumer saw and the right parent', async () => {
    const check = spanCheck({
      started: () => started,
      ended: () => ended,
      reset: () => {
        started.length = 0;
        ended.length = 0;
      },
      streamSpanName: 'stream',
      // The stream is a source of the scoped stage: a consumer's throw() reaches it as
      // `cancelled`, as it reaches any stage below the outermost (C1).
      inner: true,
      parentSpanId: parent.spanContext().spanId,
    });
    const subject = ({ source, signal }: SubjectInput) =>
      scoped(
        async function* ({ own }, upstream: Source<number>) {
          const streamContext = trace.setSpan(context.active(), parent);
          for await (const x of own(pipe(upstream, traced({ name: 'stream', tracer, context: streamContext })))) yield x;
        },
        { signal },
      )(source);
    const summary = await checkContract(subject, { runs: 300, checks: [check] });
    expect(summary.runs).toBe(300);
  }, 120_000);
});
