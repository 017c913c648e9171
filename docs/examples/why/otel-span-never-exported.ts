/**
 * A stream span ended after the generator's loop is ended only when the loop completes: on
 * `break` or a throwing consumer it is never ended, so never exported. Moving `end()` into
 * `finally` fixes those two, but not abandonment: a generator dropped mid-stream never
 * runs its `finally`, and its span is lost.
 *
 * Run: node --expose-gc --import tsx docs/examples/why/otel-span-never-exported.ts
 */
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('run with node --expose-gc');
const exporter = new InMemorySpanExporter();
const tracer = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }).getTracer('why');
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
let collected = 0;
const registry = new FinalizationRegistry<undefined>(() => collected++);

async function* endedAfterLoop(): AsyncGenerator<number> {
  const span = tracer.startSpan('llm.stream');
  for (let i = 0; i < 3; i++) yield i;
  span.end();
}

async function* endedInFinally(): AsyncGenerator<number> {
  const span = tracer.startSpan('llm.stream');
  try {
    for (let i = 0; i < 3; i++) yield i;
  } finally {
    span.end();
  }
}

const consumers: Record<string, (stream: AsyncGenerator<number>) => Promise<void>> = {
  'runs to the end': async (stream) => {
    for await (const _ of stream) {
      // read everything
    }
  },
  breaks: async (stream) => {
    for await (const _ of stream) break;
  },
  throws: async (stream) => {
    for await (const _ of stream) throw new Error('evaluator failed');
  },
  'abandons it': async (stream) => {
    registry.register(stream, undefined); // to see that it was garbage-collected
    await stream.next(); // reads one chunk, then drops the stream
  },
};

for (const [producer, make] of [
  ['end() after the loop', endedAfterLoop],
  ['end() in finally', endedInFinally],
] as const) {
  for (const [name, consume] of Object.entries(consumers)) {
    exporter.reset();
    const before = collected;
    await consume(make()).catch(() => undefined);
    for (let i = 0; i < 20 && name === 'abandons it' && collected === before; i++) {
      gc(); // the abandoned generator is collected here; its finally does not run
      await sleep(5);
    }
    const gone = name === 'abandons it' ? ` (generator garbage-collected: ${String(collected > before)})` : '';
    console.log(`${producer}, consumer ${name}: spans exported: ${String(exporter.getFinishedSpans().length)}${gone}`);
  }
}
