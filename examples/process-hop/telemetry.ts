/**
 * What each process of the process-hop example installs: an SDK whose spans go to a file
 * (one JSON line per span, written when the span ends), the AsyncLocalStorage context
 * manager, and the standard W3C trace-context propagator. `readSpans` turns the files of
 * every process back into spans, for one tree.
 */
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { context, propagation, trace, type Attributes, type HrTime, type SpanKind, type Tracer } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { ExportResultCode, W3CTraceContextPropagator, type ExportResult } from '@opentelemetry/core';
import { BasicTracerProvider, SimpleSpanProcessor, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace-base';

interface SpanLine {
  readonly service: string;
  readonly name: string;
  readonly kind: SpanKind;
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string | undefined;
  readonly startTime: HrTime;
  readonly duration: HrTime;
  readonly attributes: Attributes;
  readonly status: number;
}

/** Appends each finished span to `file` synchronously, so a process killed later loses none. */
class FileSpanExporter implements SpanExporter {
  constructor(
    private readonly file: string,
    private readonly service: string,
  ) {}

  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    const lines = spans.map((span): SpanLine => ({
      service: this.service,
      name: span.name,
      kind: span.kind,
      traceId: span.spanContext().traceId,
      spanId: span.spanContext().spanId,
      parentSpanId: span.parentSpanContext?.spanId,
      startTime: span.startTime,
      duration: span.duration,
      attributes: span.attributes,
      status: span.status.code,
    }));
    appendFileSync(this.file, lines.map((l) => `${JSON.stringify(l)}\n`).join(''));
    done({ code: ExportResultCode.SUCCESS });
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

export function startTelemetry(service: string, file: string): Tracer {
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(new FileSpanExporter(file, service))] });
  trace.setGlobalTracerProvider(provider);
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  return provider.getTracer(service);
}

/** The spans the processes wrote, as spans again (enough of one for printing and checking). */
export function readSpans(files: readonly string[]): ReadableSpan[] {
  const spans: ReadableSpan[] = [];
  for (const file of files) {
    if (!existsSync(file)) continue;
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      if (line === '') continue;
      const s = JSON.parse(line) as SpanLine;
      spans.push({
        name: s.name,
        kind: s.kind,
        spanContext: () => ({ traceId: s.traceId, spanId: s.spanId, traceFlags: 1 }),
        parentSpanContext: s.parentSpanId === undefined ? undefined : { traceId: s.traceId, spanId: s.parentSpanId, traceFlags: 1 },
        startTime: s.startTime,
        duration: s.duration,
        attributes: { ...s.attributes, 'service.name': s.service },
        status: { code: s.status },
      } as unknown as ReadableSpan);
    }
  }
  return spans;
}
