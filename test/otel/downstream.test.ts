import { createRequire } from 'node:module';
import { createServer } from 'node:http';
import { context, trace, type Context } from '@opentelemetry/api';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { flatMap, map, pipe, tap } from 'iterscope';
import { bindContext, mapTraced, traced } from 'iterscope/otel';
import { listenOnLoopback, type Loopback } from '../../examples/shared/loopback.js';
import { idOf, installTracing, parentId, ticks, type Tracing } from './tracing.js';

// C8 downstream of `traced`: sources a flatMap opens from the stream's items (and their
// factories) run in the stream span's context, as the traced source does, so the HTTP
// requests an inner producer makes are children of the stream span. Operator callbacks
// (map, tap, ...) run in the consumer's context, the way instrumentation-http binds a
// response callback to its caller's context; mapTraced is the way to run one per item
// inside the stream's trace. With real http and undici instrumentation on a loopback
// server, under the AsyncLocalStorage context manager (without one, nothing is implicit).

type HttpModule = typeof import('node:http');

describe('the stream context downstream of traced', () => {
  let server: Loopback;
  let t: Tracing;
  let http: HttpModule;
  let instrumentations: (HttpInstrumentation | UndiciInstrumentation)[] = [];

  beforeAll(async () => {
    server = await listenOnLoopback(createServer((_req, res) => res.end('ok')));
    // Enabled once: the http patch is applied when the module is required, after this.
    instrumentations = [new HttpInstrumentation({ ignoreIncomingRequestHook: () => true }), new UndiciInstrumentation()];
    http = createRequire(import.meta.url)('node:http') as HttpModule;
  });
  afterAll(async () => {
    for (const i of instrumentations) i.disable();
    await server.close();
  });

  beforeEach(() => {
    t = installTracing({ contextManager: true });
    for (const i of instrumentations) i.setTracerProvider(trace.getTracerProvider());
  });
  afterEach(() => {
    t.uninstall();
  });

  function httpGet(path: string): Promise<void> {
    return new Promise((resolve, reject) => {
      http.get(`${server.origin}${path}`, (res) => {
        res.resume();
        res.on('end', resolve);
      }).on('error', reject);
    });
  }

  async function* producer(topic: string): AsyncGenerator<string> {
    await fetch(`${server.origin}/fetch/${topic}`).then((r) => r.text());
    yield `${topic}:1`;
    await httpGet(`/get/${topic}`);
    t.tracer.startSpan('decode').end();
    yield `${topic}:2`;
  }

  function clientSpans() {
    return t.spans().filter((s) => s.name === 'GET');
  }

  it.each([1, 2])('flatMap inners (concurrency %i): every HTTP client span and producer span is a child of the stream span', async (concurrency) => {
    const consumer = t.tracer.startSpan('consumer');
    const out: string[] = [];
    await context.with(trace.setSpan(context.active(), consumer), async () => {
      for await (const x of pipe(['x', 'y'], traced({ name: 'outer' }), flatMap((topic: string) => producer(topic), { concurrency }))) {
        out.push(x);
        // The consumer's context is untouched.
        expect(trace.getActiveSpan()).toBe(consumer);
      }
    });
    consumer.end();
    expect(out.sort()).toEqual(['x:1', 'x:2', 'y:1', 'y:2']);
    const outer = t.span('outer');
    expect(parentId(outer)).toBe(idOf(consumer));
    expect(clientSpans()).toHaveLength(4);
    for (const s of [...clientSpans(), ...t.spans().filter((s) => s.name === 'decode')]) expect(parentId(s)).toBe(idOf(outer));
  });

  it("the flatMap callback runs in the stream's context (it opens the inner source)", async () => {
    let seen: Context | undefined;
    for await (const _ of pipe(['x'], traced({ name: 'outer' }), flatMap((topic: string) => {
      seen = context.active();
      return [topic];
    }))) {
      // drain
    }
    expect(trace.getSpan(seen!)?.spanContext().spanId).toBe(idOf(t.span('outer')));
  });

  it('an inner closed early (the consumer breaks) is closed in the stream context too', async () => {
    async function* closesWithRequest(): AsyncGenerator<number> {
      try {
        yield 1;
        yield 2;
      } finally {
        await fetch(`${server.origin}/close`).then((r) => r.text());
      }
    }
    for await (const _ of pipe(['x'], traced({ name: 'outer' }), flatMap(() => closesWithRequest()))) break;
    expect(clientSpans()).toHaveLength(1);
    expect(parentId(clientSpans()[0]!)).toBe(idOf(t.span('outer')));
    expect(t.span('outer').attributes['iterscope.outcome']).toBe('cancelled');
  });

  it('bindContext offers its context to a flatMap after it the same way', async () => {
    const parent = t.tracer.startSpan('bound');
    for await (const _ of pipe(['x'], bindContext(trace.setSpan(context.active(), parent)), flatMap((topic: string) => producer(topic)))) {
      // drain
    }
    parent.end();
    expect(clientSpans()).toHaveLength(2);
    for (const s of clientSpans()) expect(parentId(s)).toBe(idOf(parent));
  });

  it("default: map and tap callbacks after traced run in the consumer's context, like instrumentation-http's response callbacks", async () => {
    const consumer = t.tracer.startSpan('consumer');
    await context.with(trace.setSpan(context.active(), consumer), async () => {
      const stream = pipe(
        ['x'],
        traced({ name: 'outer' }),
        tap(async () => {
          await fetch(`${server.origin}/tap`).then((r) => r.text());
        }),
        map((x: string) => {
          expect(trace.getActiveSpan()).toBe(consumer);
          return x;
        }),
      );
      for await (const _ of stream) await ticks(1);
    });
    consumer.end();
    expect(clientSpans()).toHaveLength(1);
    expect(parentId(clientSpans()[0]!)).toBe(idOf(consumer));
  });

  it("the other choice: mapTraced runs each callback inside the stream's trace (an item span under the stream span)", async () => {
    for await (const _ of pipe(['x', 'y'], traced({ name: 'outer' }), mapTraced(async (topic: string) => {
      await fetch(`${server.origin}/item/${topic}`).then((r) => r.text());
      return topic;
    }, { name: 'item' }))) {
      // drain
    }
    const outer = t.span('outer');
    const items = t.spans().filter((s) => s.name === 'item');
    expect(items).toHaveLength(2);
    for (const item of items) expect(parentId(item)).toBe(idOf(outer));
    expect(clientSpans().map(parentId).sort()).toEqual(items.map(idOf).sort());
  });
});
