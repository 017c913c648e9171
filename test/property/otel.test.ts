/**
 * C9 under generated scenarios: traced (and mapTraced reading it) end every span exactly
 * once, with the outcome the consumer saw, status ERROR only for errors, and the right
 * parent. The span check is the harness's pluggable `spanCheck`, fed by a span processor.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { context, trace, type Span } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider, type ReadableSpan, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { pipe } from 'iterscope';
import { mapTraced, traced } from 'iterscope/otel';
import { checkContract, spanCheck, type SpanLike } from 'iterscope/testing';
import { knownCoreGaps } from './known-core-gaps.js';

const started: SpanLike[] = [];
const ended: SpanLike[] = [];
const recorder: SpanProcessor = {
  onStart: (span) => started.push(span),
  onEnd: (span: ReadableSpan) => ended.push(span),
  forceFlush: () => Promise.resolve(),
  shutdown: () => Promise.resolve(),
};
const provider = new BasicTracerProvider({ spanProcessors: [recorder] });
const tracer = provider.getTracer('property');
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

const soak = Number(process.env['ITERSCOPE_PROPERTY_RUNS'] ?? 0);
const runs = soak > 0 ? Math.max(300, Math.round(soak / 8)) : 300;

describe('otel stages keep C9 under generated scenarios', () => {
  it('mapTraced over traced: every span ended once, right outcome and parent', async () => {
    const check = spanCheck({
      started: () => started,
      ended: () => ended,
      reset: () => {
        started.length = 0;
        ended.length = 0;
      },
      streamSpanName: 'stream',
      inner: true,
      parentSpanId: parent.spanContext().spanId,
    });
    const summary = await checkContract(
      ({ source, signal }) =>
        pipe(
          source,
          traced({ name: 'stream', tracer, signal, context: trace.setSpan(context.active(), parent) }),
          mapTraced(async (x: number) => x * 2, { name: 'item', tracer, signal }),
        ),
      { runs, checks: [check], strict: true, knownIssues: knownCoreGaps },
    );
    expect(summary.runs).toBe(runs);
  }, soak > 0 ? 24 * 3_600_000 : 120_000);
});
