/**
 * A real SDK for the otel tests: an in-memory exporter, optionally the AsyncLocalStorage
 * context manager, and a diag logger that records every warning and error so a test can
 * fail on "You can only call end() on a span once" and its kind.
 *
 * The OpenTelemetry line is chosen by `ITERSCOPE_OTEL_LINE`: unset or `2` is api 1.9 +
 * sdk-trace-base 2.x, `3` is api 1.10 + sdk-trace 3.x + context-async-hooks 3.x (set by the
 * `otel-sdk-3` vitest project, which also points `@opentelemetry/api` at 1.10).
 */
import { context, diag, DiagLogLevel, trace, type Context, type Span, type Tracer } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { map, onReport, pipe, type Report, type Stage } from 'iterscope';
import { afterEach, beforeEach, expect } from 'vitest';

interface SdkLine {
  readonly name: string;
  createProvider(options?: { sampleNothing?: boolean }): {
    provider: import('@opentelemetry/api').TracerProvider;
    finishedSpans: () => ReadableSpan[];
    reset: () => void;
  };
  createContextManager(): import('@opentelemetry/api').ContextManager;
}

/**
 * The line this run tests (see the file comment). Spans are typed as sdk-trace-base 2.x
 * spans for both lines: api 1.10 widened attribute values to `unknown`, and the tests only
 * read what both lines share.
 */
export const sdk: SdkLine =
  process.env['ITERSCOPE_OTEL_LINE'] === '3' ? ((await import('./sdk-3/sdk.js')) as unknown as SdkLine) : await import('./sdk-2.js');

export interface Tracing {
  readonly tracer: Tracer;
  /** Every diag warning or error, and every iterscope report, while installed. */
  readonly diagProblems: string[];
  readonly reports: Report[];
  spans(): ReadableSpan[];
  /** Forget the spans finished so far. */
  reset(): void;
  span(name: string): ReadableSpan;
  uninstall(): void;
}

/**
 * `installTracing` before each test of the enclosing suite, and after each: no diag problem,
 * then uninstall. The object it returns reads the running test's tracing.
 */
export function useTracing(options: { contextManager: boolean }): Tracing {
  let current: Tracing | undefined;
  beforeEach(() => {
    current = installTracing(options);
  });
  afterEach(() => {
    const t = current;
    current = undefined;
    expect(t?.diagProblems).toEqual([]);
    t?.uninstall();
  });
  const now = (): Tracing => {
    if (current === undefined) throw new Error('useTracing: read outside a test');
    return current;
  };
  return {
    get tracer() {
      return now().tracer;
    },
    get diagProblems() {
      return now().diagProblems;
    },
    get reports() {
      return now().reports;
    },
    spans: () => now().spans(),
    reset: () => {
      now().reset();
    },
    span: (name) => now().span(name),
    uninstall: () => {
      now().uninstall();
    },
  };
}

export function installTracing(options: { contextManager: boolean }): Tracing {
  const { provider, finishedSpans, reset } = sdk.createProvider();
  trace.setGlobalTracerProvider(provider);
  let manager: ReturnType<SdkLine['createContextManager']> | undefined;
  if (options.contextManager) {
    manager = sdk.createContextManager();
    context.setGlobalContextManager(manager);
  }
  const diagProblems: string[] = [];
  const record = (...args: unknown[]): void => {
    diagProblems.push(args.map(String).join(' '));
  };
  diag.setLogger(
    { error: record, warn: record, info: () => undefined, debug: () => undefined, verbose: () => undefined },
    { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true },
  );
  const reports: Report[] = [];
  const stopReports = onReport((r) => reports.push(r));
  const spans = finishedSpans;
  return {
    tracer: provider.getTracer('test'),
    diagProblems,
    reports,
    spans,
    reset,
    span(name) {
      const found = spans().filter((s) => s.name === name);
      if (found.length !== 1) throw new Error(`expected one span named ${name}, found ${String(found.length)}`);
      return found[0]!;
    },
    uninstall() {
      stopReports();
      manager?.disable();
      context.disable();
      trace.disable();
      diag.disable();
    },
  };
}

/** Register a real context manager of this line that counts its `with` calls. */
export function countingManager(): { calls: () => number } {
  const manager = sdk.createContextManager();
  let calls = 0;
  const original = manager.with.bind(manager);
  manager.with = ((...args: Parameters<typeof original>) => {
    calls++;
    return original(...args) as unknown;
  }) as typeof manager.with;
  context.setGlobalContextManager(manager);
  return { calls: () => calls };
}

/** The id of a span's parent, as the SDKs 2.x and 3.x record it. */
export function parentId(span: ReadableSpan): string | undefined {
  return span.parentSpanContext?.spanId;
}

export function idOf(span: ReadableSpan | Span): string {
  return span.spanContext().spanId;
}

export function withSpan(parent: Span, base: Context = context.active()): Context {
  return trace.setSpan(base, parent);
}

export async function ticks(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await Promise.resolve();
}

/** A promise the test settles by hand (Promise.withResolvers is Node 22+). */
export function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void; reject: (e: unknown) => void } {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Run the collector until `done()` or give up after a few rounds. */
export async function collectUntil(done: () => boolean): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('run with --expose-gc');
  for (let i = 0; i < 30 && !done(); i++) {
    gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** A hand-written source: yields 0..items-1 (or forever), each after a macrotask if asked. */
export interface TestSource extends AsyncIterableIterator<number> {
  readonly calls: { next: number; return: number };
  return(): Promise<IteratorResult<number>>;
}

export function source(
  options: { items?: number; parkAt?: number; throwAt?: number; error?: unknown; returnError?: unknown } = {},
): TestSource {
  // Tests throw non-errors on purpose: whatever the source throws must reach the consumer.
  /* eslint-disable @typescript-eslint/prefer-promise-reject-errors */
  let index = 0;
  const calls = { next: 0, return: 0 };
  const it: TestSource = {
    calls,
    next() {
      const n = calls.next++;
      if (options.parkAt === n) return new Promise(() => undefined);
      if (options.throwAt === n) return Promise.reject(options.error ?? new Error('source failed'));
      if (options.items !== undefined && index >= options.items) return Promise.resolve({ done: true, value: undefined });
      return Promise.resolve({ done: false, value: index++ });
    },
    return() {
      calls.return++;
      if (options.returnError !== undefined) return Promise.reject(options.returnError);
      return Promise.resolve({ done: true, value: undefined });
    },
    [Symbol.asyncIterator]() {
      return it;
    },
  };
  /* eslint-enable @typescript-eslint/prefer-promise-reject-errors */
  return it;
}

/**
 * An iterscope stage over `items` numbers whose `next()` counts its calls: a stage reading
 * it directly makes none. `step` runs on each item (to see the context it runs in).
 */
export function countedStage(items: number, step: (x: number) => void = () => undefined): { stage: Stage<number>; nextCalls: () => number } {
  const stage = pipe(
    source({ items }),
    map((x: number) => (step(x), x)),
  );
  let calls = 0;
  const next = stage.next.bind(stage);
  stage.next = () => {
    calls++;
    return next();
  };
  return { stage, nextCalls: () => calls };
}
