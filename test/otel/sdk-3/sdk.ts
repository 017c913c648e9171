/**
 * The second OpenTelemetry line: api 1.10, sdk-trace 3.x (its provider is `TracerProvider`,
 * its processors take `{ exporter }`), context-async-hooks 3.x. Needs Node >= 22.15; the
 * packages live next to this file so that the api they peer on is 1.10.
 */
import type { ContextManager, TracerProvider as ApiTracerProvider } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { InMemorySpanExporter, SimpleSpanProcessor, TraceIdRatioBasedSampler, TracerProvider, type ReadableSpan } from '@opentelemetry/sdk-trace';

export const name = 'api 1.10 + sdk-trace 3.x';

export function createProvider(options: { sampleNothing?: boolean } = {}): {
  provider: ApiTracerProvider;
  finishedSpans: () => ReadableSpan[];
  reset: () => void;
} {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({
    spanProcessors: [new SimpleSpanProcessor({ exporter })],
    ...(options.sampleNothing === true ? { sampler: new TraceIdRatioBasedSampler(0) } : {}),
  });
  return { provider, finishedSpans: () => exporter.getFinishedSpans(), reset: () => { exporter.reset(); } };
}

export function createContextManager(): ContextManager {
  return new AsyncLocalStorageContextManager().enable();
}
