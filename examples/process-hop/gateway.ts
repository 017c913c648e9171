/**
 * The gateway: serves server-sent events to its client, streaming from the model service.
 * The upstream request is made by the lazy `tracedStream`, inside the stream span, so the
 * `traceparent` it sends names that span; when the client disconnects, the pipeline is
 * aborted and with it the upstream request.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { context, propagation, ROOT_CONTEXT, SpanKind, trace } from '@opentelemetry/api';
import { fromReadableStream, map, pipe } from 'iterscope';
import { tracedStream } from 'iterscope/otel';
import { startTelemetry } from './telemetry.js';

const tracer = startTelemetry('gateway', process.env['SPANS_FILE'] ?? 'gateway.spans.jsonl');
const modelUrl = process.env['MODEL_URL'] ?? 'http://127.0.0.1:8081/generate';

const server = createServer((req, res) => {
  const parent = propagation.extract(ROOT_CONTEXT, req.headers);
  const span = tracer.startSpan('gateway.chat', { kind: SpanKind.SERVER }, parent);
  const disconnected = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) disconnected.abort(new DOMException('the client disconnected', 'AbortError'));
  });
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  void context.with(trace.setSpan(parent, span), async () => {
    const upstream = tracedStream(
      async (signal: AbortSignal) => {
        // Inside the stream span: the traceparent sent upstream names it.
        const headers: Record<string, string> = {};
        propagation.inject(context.active(), headers);
        const response = await fetch(modelUrl, { headers, signal });
        if (response.body === null) throw new Error('the model service sent no body');
        return fromReadableStream<Uint8Array>(response.body);
      },
      { name: 'gateway.upstream', kind: SpanKind.CLIENT, signal: disconnected.signal },
    );
    const decoder = new TextDecoder();
    try {
      for await (const text of pipe(upstream, map((bytes: Uint8Array) => decoder.decode(bytes, { stream: true })))) {
        res.write(`data: ${JSON.stringify(text)}\n\n`);
      }
      res.end();
    } catch {
      span.setAttribute('gateway.client_disconnected', disconnected.signal.aborted);
    } finally {
      span.end();
    }
  });
});

server.listen(0, '127.0.0.1', () => {
  console.log(JSON.stringify({ port: (server.address() as AddressInfo).port }));
});
process.on('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
