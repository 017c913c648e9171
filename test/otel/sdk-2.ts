/**
 * The OpenTelemetry line the otel suite runs against by default: api 1.9,
 * sdk-trace-base 2.x, context-async-hooks 2.x (the versions in the root package.json).
 */
import type { ContextManager, TracerProvider } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, TraceIdRatioBasedSampler, type ReadableSpan } from '@opentelemetry/sdk-trace-base';

export const name = 'api 1.9 + sdk-trace-base 2.x';

export function createProvider(options: { sampleNothing?: boolean } = {}): {
  provider: TracerProvider;
  finishedSpans: () => ReadableSpan[];
  reset: () => void;
} {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    spanProcessors: [new SimpleSpanProcessor(exporter)],
    ...(options.sampleNothing === true ? { sampler: new TraceIdRatioBasedSampler(0) } : {}),
  });
  return { provider, finishedSpans: () => exporter.getFinishedSpans(), reset: () => { exporter.reset(); } };
}

export function createContextManager(): ContextManager {
  return new AsyncLocalStorageContextManager().enable();
}
