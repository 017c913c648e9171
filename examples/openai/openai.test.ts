import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import { Stream } from 'openai/streaming';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runExample } from '../shared/run-example.js';
import { idOf, named, only, outcomeOf, parentOf } from '../shared/spans.js';
import { installTracing, type ExampleTracing } from '../shared/tracing.js';
import { waitUntil } from '../shared/wait.js';
import { createClient, evaluate, MODEL, streamAnswer } from './evaluator.js';
import { startModelServer, type ModelServer } from './model-server.js';

const BOUND_MS = 2_000;
const CHAT = `chat ${MODEL}`;

describe('openai client against a loopback model server', () => {
  let tracing: ExampleTracing;
  let server: ModelServer;
  beforeAll(async () => {
    tracing = installTracing({ fetchSpans: true });
    server = await startModelServer();
  });
  afterEach(() => {
    expect(tracing.diagProblems).toEqual([]);
    expect(tracing.reports).toEqual([]);
    tracing.reset();
  });
  afterAll(async () => {
    await server.close();
    tracing.uninstall();
  });

  const last = () => server.requests.at(-1)!;

  it('the evaluator breaks at the verdict: the spans end, the HTTP request is aborted', async () => {
    const { verdict, text } = await evaluate(tracing.tracer, createClient(server.baseURL), 'Is it sourced?');
    expect(verdict).toBe('PASS');
    expect(text).toBe('Verdict: PASS');
    const record = last();
    await waitUntil('the model server saw the client hang up', () => record.disconnectedAt !== undefined, BOUND_MS);
    expect(record.completed).toBe(false);
    expect(record.sent).toBeLessThan(200);

    await waitUntil('every span ended', () => tracing.openSpans().length === 0, BOUND_MS);
    const spans = tracing.spans();
    const evaluation = only(spans, 'evaluate');
    const chat = only(spans, CHAT);
    expect(parentOf(evaluation)).toBeUndefined();
    expect(parentOf(chat)).toBe(idOf(evaluation));
    expect(chat.kind).toBe(SpanKind.CLIENT);
    expect(outcomeOf(chat)).toBe('cancelled');
    // The lazy tracedStream made the request inside the stream span.
    const post = only(spans, 'POST');
    expect(parentOf(post)).toBe(idOf(chat));
    expect(post.kind).toBe(SpanKind.CLIENT);
    expect(chat.status.code).toBe(SpanStatusCode.UNSET);
    // The empty role chunk, then "Verdict", ":", " PASS".
    expect(chat.attributes['iterscope.items']).toBe(4);
    const scores = named(spans, 'score.chunk');
    expect(scores).toHaveLength(4);
    for (const score of scores) {
      // mapTraced after tracedStream: each item span is a child of the stream span.
      expect(parentOf(score)).toBe(idOf(chat));
      expect(outcomeOf(score)).toBe('completed');
    }
  });

  it("keeps the SDK's own API: stream.controller.abort() ends the stream, the span says aborted", async () => {
    const stream = await streamAnswer(createClient(server.baseURL), 'Is it sourced?');
    expect(stream).toBeInstanceOf(Stream);
    expect(stream.controller).toBeInstanceOf(AbortController);
    const seen: ChatCompletionChunk[] = [];
    // The SDK ends its iteration quietly when its controller is aborted.
    for await (const chunk of stream) {
      seen.push(chunk);
      if (seen.length === 3) stream.controller.abort();
    }
    expect(seen.length).toBeGreaterThanOrEqual(3);
    expect(seen[0]!.object).toBe('chat.completion.chunk');
    const record = last();
    await waitUntil('the model server saw the client hang up', () => record.disconnectedAt !== undefined, BOUND_MS);
    expect(record.completed).toBe(false);
    await waitUntil('every span ended', () => tracing.openSpans().length === 0, BOUND_MS);
    expect(outcomeOf(only(tracing.spans(), CHAT))).toBe('aborted');
  });

  it('keeps toReadableStream(): cancelling the web stream closes the traced stream (C2) and aborts the request', async () => {
    const stream = await streamAnswer(createClient(server.baseURL), 'Is it sourced?');
    const reader = stream.toReadableStream().getReader();
    const decoder = new TextDecoder();
    const first = await reader.read();
    expect(first.done).toBe(false);
    expect((JSON.parse(decoder.decode(first.value as Uint8Array)) as ChatCompletionChunk).object).toBe('chat.completion.chunk');
    await reader.read();
    await reader.cancel();
    const record = last();
    await waitUntil('the model server saw the client hang up', () => record.disconnectedAt !== undefined, BOUND_MS);
    expect(record.completed).toBe(false);
    await waitUntil('every span ended', () => tracing.openSpans().length === 0, BOUND_MS);
    const chat = only(tracing.spans(), CHAT);
    expect(outcomeOf(chat)).toBe('cancelled');
    expect(chat.attributes['iterscope.items']).toBeGreaterThanOrEqual(2);
  });

  it('control: an evaluator that reads to the end completes, and the request is not aborted', async () => {
    const short = await startModelServer({ chunks: 2 });
    try {
      const { verdict, text } = await evaluate(tracing.tracer, createClient(short.baseURL), 'Is it sourced?');
      expect(verdict).toBe('NONE');
      expect(text).toBe('Verdict:');
      const record = short.requests[0]!;
      await waitUntil('the model server finished the answer', () => record.completed, BOUND_MS);
      expect(record.disconnectedAt).toBeUndefined();
      await waitUntil('every span ended', () => tracing.openSpans().length === 0, BOUND_MS);
      const chat = only(tracing.spans(), CHAT);
      expect(outcomeOf(chat)).toBe('completed');
      // The role chunk, two words, the finish chunk.
      expect(chat.attributes['iterscope.items']).toBe(4);
    } finally {
      await short.close();
    }
  });

  it('npm run example:openai: runs, prints the span tree, stops by itself', async () => {
    const stdout = await runExample('examples/openai/main.ts');
    expect(stdout).toMatch(/evaluator: verdict PASS after reading "Verdict: PASS", then stopped/);
    expect(stdout).toMatch(/model server: the client hung up after \d+ chunks \(the answer had 200\)/);
    expect(stdout).toMatch(/^evaluate /m);
    expect(stdout).toMatch(/^└─ chat loopback-judge \[CLIENT\] outcome=cancelled items=4/m);
    expect(stdout).toMatch(/^ {3}[├└]─ POST \[CLIENT\]/m);
    expect(stdout).toMatch(/^ {3}[├└]─ score\.chunk #3 outcome=completed/m);
  }, 30_000);
});
