/**
 * The OpenTelemetry SDK the examples run under: an in-memory exporter (what the tests
 * read), the AsyncLocalStorage context manager (what a Node service registers), and a span
 * processor that remembers which spans started and have not ended, so "every span ended"
 * is something a test can check instead of assume.
 */
import { context, diag, DiagLogLevel, trace, type Context, type Tracer } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
  type Span,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { onReport, type Report } from 'iterscope';

/** Tracks spans between start and end. */
class OpenSpans implements SpanProcessor {
  readonly open = new Set<Span>();
  onStart(span: Span, _parentContext: Context): void {
    this.open.add(span);
  }
  onEnd(span: ReadableSpan): void {
    this.open.delete(span as Span);
  }
  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

export interface ExampleTracing {
  readonly tracer: Tracer;
  /** Every finished span, in the order they ended. */
  spans(): readonly ReadableSpan[];
  /** Names of spans that started and have not ended yet. */
  openSpans(): string[];
  /** iterscope's reports (stragglers, late errors, abandoned streams) while installed. */
  readonly reports: Report[];
  /** What the SDK complained about (a span ended twice, ...) while installed. */
  readonly diagProblems: string[];
  /** Forget the spans (finished and open) and reports seen so far (between scenarios). */
  reset(): void;
  uninstall(): void;
}

/**
 * `fetchSpans`: also record a CLIENT span for every `fetch` (the standard undici
 * instrumentation), to show where an SDK's HTTP request lands in the tree.
 */
export function installTracing(options: { fetchSpans?: boolean } = {}): ExampleTracing {
  const exporter = new InMemorySpanExporter();
  const open = new OpenSpans();
  const provider = new BasicTracerProvider({ spanProcessors: [open, new SimpleSpanProcessor(exporter)] });
  const manager = new AsyncLocalStorageContextManager().enable();
  trace.setGlobalTracerProvider(provider);
  context.setGlobalContextManager(manager);
  // Created after the provider is global: it enables itself and records through it.
  const fetchSpans = options.fetchSpans === true ? new UndiciInstrumentation() : undefined;
  const reports: Report[] = [];
  const stopReports = onReport((report) => reports.push(report));
  const diagProblems: string[] = [];
  const record = (...args: unknown[]): void => {
    diagProblems.push(args.map(String).join(' '));
  };
  diag.setLogger(
    { error: record, warn: record, info: () => undefined, debug: () => undefined, verbose: () => undefined },
    { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true },
  );
  return {
    tracer: trace.getTracer('iterscope-examples'),
    spans: () => exporter.getFinishedSpans(),
    openSpans: () => [...open.open].map((span) => span.name),
    reports,
    diagProblems,
    reset() {
      exporter.reset();
      open.open.clear();
      reports.length = 0;
      diagProblems.length = 0;
    },
    uninstall() {
      fetchSpans?.disable();
      stopReports();
      diag.disable();
      manager.disable();
      context.disable();
      trace.disable();
    },
  };
}
