/**
 * C9: one span per stream, ended exactly once on every path. The same consumers as in the
 * plain version, plus a failing source and an abort: every stream span is exported, with `iterscope.outcome`
 * saying how it ended. The abandoned one is ended by the safety net (C7) when the
 * pipeline is garbage-collected.
 *
 * Run: node --expose-gc --import tsx docs/examples/why/iterscope/otel-ended.ts
 */
import { SpanStatusCode } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { onReport, pipe, type Stage } from 'iterscope';
import { traced } from 'iterscope/otel';

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('run with node --expose-gc');
const exporter = new InMemorySpanExporter();
const tracer = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }).getTracer('why');
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
onReport(() => undefined); // the abandonment report is expected here

async function* tokens(): AsyncGenerator<number> {
  for (let i = 0; i < 3; i++) yield i;
}
async function* failing(): AsyncGenerator<number> {
  yield 0;
  throw new Error('connection reset');
}

const consumers: Record<string, (signal: AbortController) => Promise<void>> = {
  'runs to the end': async () => {
    for await (const _ of pipe(tokens(), traced({ name: 'llm.stream', tracer }))) {
      // read everything
    }
  },
  breaks: async () => {
    for await (const _ of pipe(tokens(), traced({ name: 'llm.stream', tracer }))) break;
  },
  throws: async () => {
    for await (const _ of pipe(tokens(), traced({ name: 'llm.stream', tracer }))) throw new Error('evaluator failed');
  },
  'meets a failing source': async () => {
    for await (const _ of pipe(failing(), traced({ name: 'llm.stream', tracer }))) {
      // the second next() rejects
    }
  },
  'is aborted': async (controller) => {
    for await (const _ of pipe(tokens(), traced({ name: 'llm.stream', tracer, signal: controller.signal }))) {
      controller.abort(new Error('client disconnected'));
    }
  },
  'abandons it': async () => {
    const stream: Stage<number> = pipe(tokens(), traced({ name: 'llm.stream', tracer }));
    await stream.next(); // reads one chunk, then drops the stream
  },
};

for (const [name, consume] of Object.entries(consumers)) {
  exporter.reset();
  await consume(new AbortController()).catch(() => undefined);
  for (let i = 0; i < 20 && exporter.getFinishedSpans().length === 0; i++) {
    gc(); // the abandoned pipeline is collected here; the safety net ends its span
    await sleep(5);
  }
  const spans = exporter.getFinishedSpans();
  const outcomes = spans.map((s) => String(s.attributes['iterscope.outcome'])).join(', ');
  const status = spans.map((s) => SpanStatusCode[s.status.code]).join(', ');
  console.log(`consumer ${name}: spans exported: ${String(spans.length)}, outcome: ${outcomes}, status: ${status}`);
}
