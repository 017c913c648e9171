/**
 * C8/C9 with spans. `traced({ name })` creates the stream span when it is applied (its
 * parent is the context active then) and runs the source's steps with that span active:
 * spans the generator creates after any resume are its children, whoever consumes. The
 * consumer never sees the stream span as active. `mapTraced` gives each item a child span
 * of the stream span.
 *
 * Run: node --import tsx docs/examples/why/iterscope/otel-parent.ts
 */
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { pipe } from 'iterscope';
import { mapTraced, traced } from 'iterscope/otel';

context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
const tracer = provider.getTracer('why');
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function* chunks(): AsyncGenerator<string> {
  for (let i = 0; i < 2; i++) {
    await sleep(1); // the network
    tracer.startSpan(`llm.chunk ${String(i)}`).end(); // e.g. a span from an HTTP instrumentation
    yield `chunk ${String(i)}`;
  }
}

// The producer wraps its stream while its request span is active...
const stream = tracer.startActiveSpan('request', (request) => {
  request.end();
  return pipe(
    chunks(),
    traced({ name: 'llm.stream', tracer }),
    mapTraced(async (chunk: string) => chunk.length, { name: 'score', tracer }),
  );
});

// ...and the consumer iterates it inside its own span.
await tracer.startActiveSpan('evaluate', async (evaluate) => {
  for await (const _ of stream) {
    console.log(`the consumer's active span: '${String((trace.getActiveSpan() as { name?: string } | undefined)?.name)}'`);
  }
  evaluate.end();
});

const spans = exporter.getFinishedSpans();
const nameOf = (spanId: string | undefined): string => spans.find((s) => s.spanContext().spanId === spanId)?.name ?? 'none';
for (const span of spans.filter((s) => s.name !== 'request' && s.name !== 'evaluate')) {
  console.log(`${span.name}: parent is '${nameOf(span.parentSpanContext?.spanId)}'`);
}
context.disable();
