/**
 * The model service: streams tokens over HTTP. The request's `traceparent` is the parent
 * of its spans; when the caller hangs up, the token stream is aborted and the generator's
 * `finally` runs (and records a span, so the test can see it did).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { context, propagation, ROOT_CONTEXT, SpanKind, trace } from '@opentelemetry/api';
import { pipe } from 'iterscope';
import { traced } from 'iterscope/otel';
import { sleep } from '../shared/wait.js';
import { startTelemetry } from './telemetry.js';

const tracer = startTelemetry('model-service', process.env['SPANS_FILE'] ?? 'model-service.spans.jsonl');

async function* tokens(count: number): AsyncGenerator<string> {
  try {
    for (let i = 0; i < count; i++) {
      await sleep(5);
      yield `tok${String(i)} `;
    }
  } finally {
    // Runs inside the stream span's context (C8): the span is its child.
    tracer.startSpan('model.finally').end();
  }
}

const server = createServer((req, res) => {
  const parent = propagation.extract(ROOT_CONTEXT, req.headers);
  const span = tracer.startSpan('model.generate', { kind: SpanKind.SERVER }, parent);
  const hungUp = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) hungUp.abort(new DOMException('the caller hung up', 'AbortError'));
  });
  res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
  void context.with(trace.setSpan(parent, span), async () => {
    try {
      for await (const token of pipe(tokens(200), traced({ name: 'model.tokens', signal: hungUp.signal }))) res.write(token);
      res.end();
    } catch {
      // Aborted: the caller is gone, nothing to answer.
      span.setAttribute('model.caller_hung_up', true);
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
