import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { context, propagation, SpanStatusCode, trace, type Tracer } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runExample } from '../shared/run-example.js';
import { runProcessHop } from './scenario.js';
import { startTelemetry } from './telemetry.js';

// One trace across a process hop, loopback only: client -> gateway process -> model-service
// process, W3C traceparent over HTTP, both processes exporting their spans. The client
// disconnects after three events: the gateway aborts its upstream request, the model
// service's generator runs its finally, and the spans form one tree with `aborted`
// (not ERROR) where the streams were cut. PROCESS_HOP_REPEAT=50 runs it 50 times in a row.

const REPEAT = Number(process.env['PROCESS_HOP_REPEAT'] ?? '1');

describe('process hop', () => {
  let dir: string;
  let clientSpans: string;
  let tracer: Tracer;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'iterscope-hop-test-'));
    clientSpans = join(dir, 'client.jsonl');
    tracer = startTelemetry('client', clientSpans);
  });
  afterAll(() => {
    trace.disable();
    context.disable();
    propagation.disable();
    rmSync(dir, { recursive: true, force: true });
  });

  function one(spans: ReadableSpan[], name: string): ReadableSpan {
    const found = spans.filter((s) => s.name === name);
    expect(found, name).toHaveLength(1);
    return found[0]!;
  }
  const id = (s: ReadableSpan): string => s.spanContext().spanId;
  const parent = (s: ReadableSpan): string | undefined => s.parentSpanContext?.spanId;

  it(`client disconnect: one tree over three processes, the upstream aborted, the generator's finally ran (x${String(REPEAT)})`, async () => {
    for (let run = 0; run < REPEAT; run++) {
      const { spans, events, traceId } = await runProcessHop(tracer, clientSpans);
      expect(events).toHaveLength(3);
      expect(spans.every((s) => s.spanContext().traceId === traceId)).toBe(true);

      const client = one(spans, 'client.chat');
      const chat = one(spans, 'gateway.chat');
      const upstream = one(spans, 'gateway.upstream');
      const generate = one(spans, 'model.generate');
      const tokens = one(spans, 'model.tokens');
      const cleanup = one(spans, 'model.finally');

      expect(parent(client)).toBeUndefined();
      expect(parent(chat)).toBe(id(client));
      expect(parent(upstream)).toBe(id(chat));
      // The traceparent the gateway sent names its stream span (the lazy tracedStream).
      expect(parent(generate)).toBe(id(upstream));
      expect(parent(tokens)).toBe(id(generate));
      expect(parent(cleanup)).toBe(id(tokens));

      expect([chat, upstream].map((s) => s.attributes['service.name'])).toEqual(['gateway', 'gateway']);
      expect([generate, tokens, cleanup].map((s) => s.attributes['service.name'])).toEqual(['model-service', 'model-service', 'model-service']);

      expect(chat.attributes['gateway.client_disconnected']).toBe(true);
      expect(upstream.attributes['iterscope.outcome']).toBe('aborted');
      expect(generate.attributes['model.caller_hung_up']).toBe(true);
      expect(tokens.attributes['iterscope.outcome']).toBe('aborted');
      expect(tokens.attributes['iterscope.items']).toBeLessThan(200);
      for (const s of spans) expect(s.status.code, s.name).not.toBe(SpanStatusCode.ERROR);
    }
  }, 30_000 * REPEAT);

  it('npm run example:process-hop: prints the tree', async () => {
    const stdout = await runExample('examples/process-hop/main.ts');
    expect(stdout).toMatch(/client: read 3 events, then disconnected/);
    expect(stdout).toMatch(/^client\.chat \[CLIENT\]\n└─ gateway\.chat \[SERVER\]\n {3}└─ gateway\.upstream \[CLIENT\] outcome=aborted items=\d+\n {6}└─ model\.generate \[SERVER\]\n {9}└─ model\.tokens outcome=aborted items=\d+\n {12}└─ model\.finally$/m);
  }, 30_000);
});
