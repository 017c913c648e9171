/**
 * An SSE endpoint on plain `node:http` that streams a simulated model's tokens through an
 * iterscope pipeline: `traced` gives the stream one span, `mapTraced` gives the "tool"
 * each token goes through a child span, and the request's own lifetime bounds the
 * pipeline: when the client goes away, `res` emits 'close', an AbortController fires, and
 * `abortable` closes the whole chain (C3) however deep it is parked.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { context, SpanKind, trace, type Tracer } from '@opentelemetry/api';
import { abortable, pipe, withCleanup, type Exit } from 'iterscope';
import { mapTraced, traced, type ItemScope } from 'iterscope/otel';
import { sleep } from '../shared/wait.js';
import { listenOnLoopback } from '../shared/loopback.js';

/** What the server saw of one request: what the test checks. */
export interface RequestRecord {
  /** When `res` closed before the response finished: the client went away. */
  disconnectedAt?: number;
  /** When the pipeline's last stage finished closing, and how it ended. */
  closedAt?: number;
  closedWith?: Exit;
  /** The upstream generator's `finally` ran, and which span was active in it (C8). */
  upstreamFinally: boolean;
  activeSpanInFinally?: string | undefined;
  /** Tokens written to the client. */
  sent: number;
  /** Anything the handler did not expect. */
  error?: unknown;
}

export interface SseServer {
  readonly url: string;
  readonly requests: RequestRecord[];
  close(): Promise<void>;
}

export interface SseServerOptions {
  readonly tracer: Tracer;
  /** Milliseconds between two tokens of the simulated model. */
  readonly tokenLatencyMs?: number;
  /** Milliseconds each tool call takes. */
  readonly toolLatencyMs?: number;
  /** Tokens in a full answer (the client normally leaves long before). */
  readonly tokens?: number;
}

const WORDS = ['Streams', ' end', ' when', ' the', ' client', ' leaves', ',', ' and', ' so', ' do', ' their', ' spans', '.'];

/**
 * The simulated model: a plain async generator with latency, as an SDK's stream would be.
 * It ignores abort signals on purpose (many upstreams do); iterscope must not wait for it.
 */
async function* completion(tracer: Tracer, count: number, latencyMs: number, record: RequestRecord): AsyncGenerator<string> {
  try {
    // Created after a resume: the stream span is its parent only because `traced` runs
    // every step of this generator inside the span's context (C8).
    await sleep(latencyMs);
    tracer.startSpan('llm.connect').end();
    for (let i = 0; i < count; i++) {
      await sleep(latencyMs);
      yield WORDS[i % WORDS.length]!;
    }
  } finally {
    record.upstreamFinally = true;
    record.activeSpanInFinally = trace.getActiveSpan()?.spanContext().spanId;
  }
}

/** The "tool" each token goes through (a lookup, a moderation call...). */
async function lookUp(token: string, { span, signal }: ItemScope, latencyMs: number): Promise<{ token: string; length: number }> {
  span.setAttribute('tool.input', token);
  // The item's signal fires when the pipeline closes while this call runs.
  await sleep(latencyMs, signal);
  return { token, length: token.length };
}

async function handleChat(req: IncomingMessage, res: ServerResponse, options: Required<SseServerOptions>, record: RequestRecord): Promise<void> {
  const { tracer } = options;
  // Stands in for an HTTP instrumentation's server span.
  const requestSpan = tracer.startSpan('GET /chat', { kind: SpanKind.SERVER, attributes: { 'http.request.method': req.method ?? '' } });
  const requestContext = trace.setSpan(context.active(), requestSpan);

  // The request's lifetime: 'close' before the response finished means the client left.
  const disconnected = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) {
      record.disconnectedAt = performance.now();
      disconnected.abort(new Error('client disconnected'));
    }
  });

  const stream = pipe(
    completion(tracer, options.tokens, options.tokenLatencyMs, record),
    traced({ name: 'llm.stream', context: requestContext, attributes: { 'gen_ai.request.stream': true } }),
    mapTraced((token: string, scope) => lookUp(token, scope, options.toolLatencyMs), { name: 'tool.call' }),
    // C4: runs after everything below it finished closing.
    withCleanup((exit: Exit) => {
      record.closedAt = performance.now();
      record.closedWith = exit;
    }),
    abortable(disconnected.signal),
  );

  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  try {
    for await (const { token, length } of stream) {
      res.write(`event: token\ndata: ${JSON.stringify({ token, length })}\n\n`);
      record.sent++;
    }
    res.end('event: done\ndata: {}\n\n');
  } catch (error) {
    // C3: the disconnect rejects the pending read with the signal's reason, at once.
    if (error !== disconnected.signal.reason) record.error = error;
    res.destroy();
  } finally {
    requestSpan.end();
  }
}

/** Listen on an ephemeral loopback port. */
export async function startSseServer(options: SseServerOptions): Promise<SseServer> {
  const settings: Required<SseServerOptions> = { tokenLatencyMs: 15, toolLatencyMs: 5, tokens: 200, ...options };
  const requests: RequestRecord[] = [];
  const server = createServer((req, res) => {
    if (req.url?.startsWith('/chat') !== true) {
      res.writeHead(404).end();
      return;
    }
    const record: RequestRecord = { upstreamFinally: false, sent: 0 };
    requests.push(record);
    handleChat(req, res, settings, record).catch((error: unknown) => {
      record.error = error;
    });
  });
  const loopback = await listenOnLoopback(server);
  return {
    url: `${loopback.origin}/chat`,
    requests,
    close: loopback.close,
  };
}
