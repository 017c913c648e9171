import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runExample } from '../shared/run-example.js';
import { idOf, named, only, outcomeOf, parentOf } from '../shared/spans.js';
import { installTracing, type ExampleTracing } from '../shared/tracing.js';
import { waitUntil } from '../shared/wait.js';
import { readTokensThenLeave } from './client.js';
import { startSseServer, type SseServer } from './server.js';

// Generous bound for "promptly": the upstream ignores signals and sleeps 15 ms between
// tokens, so anything near a second means something waited for what it should not have.
const CLOSE_BOUND_MS = 1_000;

describe('SSE over node:http: the client leaves, the pipeline and its spans end', () => {
  let tracing: ExampleTracing;
  let server: SseServer;
  beforeAll(async () => {
    tracing = installTracing();
    server = await startSseServer({ tracer: tracing.tracer });
  });
  afterEach(() => {
    tracing.reset();
  });
  afterAll(async () => {
    await server.close();
    tracing.uninstall();
  });

  it('closes the pipeline within a bound of the disconnect, runs the upstream finally, ends every span', async () => {
    const { tokens, abortedAt } = await readTokensThenLeave(server.url, 5);
    expect(tokens).toHaveLength(5);
    const record = server.requests.at(-1)!;

    // The server noticed the disconnect, and the whole chain closed soon after.
    await waitUntil('the server saw the disconnect', () => record.disconnectedAt !== undefined, CLOSE_BOUND_MS);
    await waitUntil('the pipeline closed', () => record.closedAt !== undefined, CLOSE_BOUND_MS);
    expect(record.disconnectedAt! - abortedAt).toBeLessThan(CLOSE_BOUND_MS);
    expect(record.closedAt! - record.disconnectedAt!).toBeLessThan(CLOSE_BOUND_MS);
    expect(record.closedWith?.outcome).toBe('aborted');
    expect(record.closedWith?.outcome === 'aborted' && (record.closedWith.reason as Error).message).toBe('client disconnected');
    expect(record.error).toBeUndefined();

    // C4: the last stage's cleanup runs after its source finished closing, so the
    // generator's finally has already run.
    expect(record.upstreamFinally).toBe(true);
    await waitUntil('every span ended', () => tracing.openSpans().length === 0, CLOSE_BOUND_MS);

    const spans = tracing.spans();
    const request = only(spans, 'GET /chat');
    const stream = only(spans, 'llm.stream');
    const connect = only(spans, 'llm.connect');
    const tools = named(spans, 'tool.call');
    expect(request.kind).toBe(SpanKind.SERVER);
    expect(parentOf(request)).toBeUndefined();

    // The stream span: a child of the request, ended by the disconnect.
    expect(parentOf(stream)).toBe(idOf(request));
    expect(['cancelled', 'aborted']).toContain(outcomeOf(stream));
    expect(stream.attributes['iterscope.items']).toBeGreaterThanOrEqual(5);

    // C8: the upstream's own span (made after a resume) and its finally saw the stream span.
    expect(parentOf(connect)).toBe(idOf(stream));
    expect(record.activeSpanInFinally).toBe(idOf(stream));

    // One tool span per token read from the stream (but a token the stream handed over just
    // as the abort came is dropped before its tool call), all under the stream span; those
    // the client got completed, one still running at the disconnect was ended by the close.
    const items = Number(stream.attributes['iterscope.items']);
    expect(tools.length).toBeLessThanOrEqual(items);
    expect(tools.length).toBeGreaterThanOrEqual(items - 1);
    const byIndex = tools.map((s) => s.attributes['iterscope.item.index']).sort((a, b) => Number(a) - Number(b));
    expect(byIndex).toEqual(tools.map((_, i) => i));
    for (const tool of tools) {
      expect(parentOf(tool)).toBe(idOf(stream));
      expect(['completed', 'cancelled', 'aborted']).toContain(outcomeOf(tool));
      if (Number(tool.attributes['iterscope.item.index']) < record.sent) expect(outcomeOf(tool)).toBe('completed');
    }
    const interrupted = tools.filter((s) => outcomeOf(s) !== 'completed');
    expect(interrupted.length).toBeLessThanOrEqual(1);
    for (const span of interrupted) expect(outcomeOf(span)).toBe('aborted');

    // Nothing failed, nothing ended twice, nothing straggled or leaked.
    for (const span of spans) expect(span.status.code).toBe(SpanStatusCode.UNSET);
    expect(tracing.diagProblems).toEqual([]);
    expect(tracing.reports).toEqual([]);
  });

  it('serves several clients at once, each pipeline closed on its own disconnect', async () => {
    const before = server.requests.length;
    const results = await Promise.all([2, 4, 6].map((n) => readTokensThenLeave(server.url, n)));
    expect(results.map((r) => r.tokens.length)).toEqual([2, 4, 6]);
    const records = server.requests.slice(before);
    expect(records).toHaveLength(3);
    await waitUntil('all three pipelines closed', () => records.every((r) => r.closedAt !== undefined && r.upstreamFinally), CLOSE_BOUND_MS);
    await waitUntil('every span ended', () => tracing.openSpans().length === 0, CLOSE_BOUND_MS);
    const spans = tracing.spans();
    const requests = named(spans, 'GET /chat');
    const streams = named(spans, 'llm.stream');
    expect(streams).toHaveLength(3);
    // Each stream under its own request, each tool call under its own stream.
    expect(new Set(streams.map(parentOf))).toEqual(new Set(requests.map(idOf)));
    const streamIds = new Set(streams.map(idOf));
    for (const tool of named(spans, 'tool.call')) expect(streamIds).toContain(parentOf(tool));
    for (const stream of streams) expect(outcomeOf(stream)).toBe('aborted');
    expect(tracing.reports).toEqual([]);
  });

  it('npm run example:sse: runs, prints the span tree, stops by itself', async () => {
    const stdout = await runExample('examples/sse/main.ts');
    expect(stdout).toMatch(/client: read .* \(5 tokens\), then left/);
    expect(stdout).toMatch(/server: pipeline closed \d+\.\d ms after the disconnect \(outcome aborted\); the model's finally ran/);
    expect(stdout).toMatch(/^GET \/chat \[SERVER\]/m);
    expect(stdout).toMatch(/^└─ llm\.stream outcome=aborted items=\d+/m);
    expect(stdout).toMatch(/^ {3}├─ llm\.connect/m);
    expect(stdout).toMatch(/^ {3}[├└]─ tool\.call #0 outcome=completed/m);
  }, 30_000);
});
