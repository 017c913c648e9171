import { ROOT_CONTEXT, SpanKind, trace } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { formatSpanTree } from './span-tree.js';

describe('formatSpanTree', () => {
  it('puts each span under its parent, siblings in start order, with the iterscope attributes', () => {
    const exporter = new InMemorySpanExporter();
    const tracer = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }).getTracer('t');
    const at = (ms: number): [number, number] => [1_000, ms * 1e6];
    const root = tracer.startSpan('request', { kind: SpanKind.SERVER, startTime: at(0) });
    const rootContext = trace.setSpan(ROOT_CONTEXT, root);
    const stream = tracer.startSpan('stream', { startTime: at(1) }, rootContext);
    const streamContext = trace.setSpan(ROOT_CONTEXT, stream);
    // Started out of order on purpose: the tree sorts siblings by start time.
    const second = tracer.startSpan('item', { startTime: at(5), attributes: { 'iterscope.item.index': 1 } }, streamContext);
    const first = tracer.startSpan('item', { startTime: at(3), attributes: { 'iterscope.item.index': 0 } }, streamContext);
    const orphan = tracer.startSpan('elsewhere', { startTime: at(2) }, trace.setSpan(ROOT_CONTEXT, tracer.startSpan('not exported')));
    first.setAttribute('iterscope.outcome', 'completed').end(at(4));
    second.setAttribute('iterscope.outcome', 'aborted').end(at(6));
    stream.setAttributes({ 'iterscope.outcome': 'aborted', 'iterscope.items': 2 }).end(at(7));
    root.end(at(8));
    orphan.end(at(9));

    expect(formatSpanTree(exporter.getFinishedSpans(), { durations: false })).toBe(
      [
        'request [SERVER]',
        '└─ stream outcome=aborted items=2',
        '   ├─ item #0 outcome=completed',
        '   └─ item #1 outcome=aborted',
        'elsewhere',
      ].join('\n'),
    );
    expect(formatSpanTree(exporter.getFinishedSpans())).toMatch(/^request \[SERVER\] 8\.0 ms\n└─ stream outcome=aborted items=2 6\.0 ms$/m);
  });
});
