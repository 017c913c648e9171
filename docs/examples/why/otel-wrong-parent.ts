/**
 * OpenTelemetry with an async generator: `startActiveSpan` around the generator makes its
 * span active only while the generator object is created. The body runs later, inside
 * whoever calls `next()`: spans it creates get the consumer's span as their parent.
 * `context.bind()` cannot help: it returns an iterable unchanged.
 *
 * Run: node --import tsx docs/examples/why/otel-wrong-parent.ts
 */
import { context, type Span } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';

context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
const tracer = provider.getTracer('why');
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function* chunks(streamSpan: Span): AsyncGenerator<string> {
  try {
    for (let i = 0; i < 2; i++) {
      await sleep(1); // the network
      tracer.startSpan(`llm.chunk ${String(i)}`).end(); // e.g. a span from an HTTP instrumentation
      yield `chunk ${String(i)}`;
    }
  } finally {
    streamSpan.end();
  }
}

// The producer: the stream's span is active while chunks() is called...
const stream = tracer.startActiveSpan('llm.stream', (span) => chunks(span));

// ...and the consumer iterates it inside its own span.
await tracer.startActiveSpan('evaluate', async (evaluate) => {
  for await (const _ of stream) {
    // evaluate the chunk
  }
  evaluate.end();
});

const spans = exporter.getFinishedSpans();
const nameOf = (spanId: string | undefined): string => spans.find((s) => s.spanContext().spanId === spanId)?.name ?? 'none';
for (const span of spans.filter((s) => s.name.startsWith('llm.chunk'))) {
  console.log(`${span.name}: parent is '${nameOf(span.parentSpanContext?.spanId)}' (meant: 'llm.stream')`);
}
console.log(`context.bind() on the stream returns it unchanged: ${String(context.bind(context.active(), stream) === stream)}`);
context.disable();
