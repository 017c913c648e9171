/**
 * An evaluator that reads a model's streamed answer through the `openai` client and stops
 * as soon as it has a verdict. The completion is traced with the lazy form of
 * `tracedStream`, so the HTTP request is a child of the stream span and is aborted when
 * the evaluator stops reading; `streamAnswer` shows the other form, which keeps the SDK's
 * `Stream` object itself for code that needs one.
 */
import { SpanKind, type Tracer } from '@opentelemetry/api';
import OpenAI from 'openai';
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import type { Stream } from 'openai/streaming';
import { pipe, type Stage } from 'iterscope';
import { mapTraced, tracedStream } from 'iterscope/otel';

export const MODEL = 'loopback-judge';

export function createClient(baseURL: string): OpenAI {
  // No retries: a test must see the first request, and only that one.
  return new OpenAI({ apiKey: 'sk-loopback', baseURL, maxRetries: 0, timeout: 10_000 });
}

const CHAT_SPAN = {
  name: `chat ${MODEL}`,
  kind: SpanKind.CLIENT,
  attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': MODEL, 'gen_ai.request.stream': true },
} as const;

/**
 * A streamed completion, traced lazily: the request is made on the first read, inside the
 * stream span (its HTTP span is the stream span's child), with a signal that aborts it as
 * soon as the traced stream stops for any reason but its own end.
 */
export function openAnswer(client: OpenAI, question: string): Stage<ChatCompletionChunk> {
  return tracedStream(
    (signal) => client.chat.completions.create({ model: MODEL, stream: true, messages: [{ role: 'user', content: question }] }, { signal }),
    CHAT_SPAN,
  );
}

/**
 * Start a streamed completion and trace the SDK's `Stream` object itself (its
 * `controller`, `toReadableStream()`, `tee()` are kept); the span starts after the request
 * was made, so the request's own span is not inside it.
 */
export async function streamAnswer(client: OpenAI, question: string): Promise<Stream<ChatCompletionChunk>> {
  const stream = await client.chat.completions.create({ model: MODEL, stream: true, messages: [{ role: 'user', content: question }] });
  return tracedStream(stream, CHAT_SPAN);
}

export type Verdict = 'PASS' | 'FAIL' | 'NONE';

/**
 * Judge an answer: read the stream until the verdict is known, then stop reading. Each
 * chunk is scored in a span of its own (`mapTraced`); `break` closes the pipeline, which
 * aborts the request's signal and closes the SDK's stream.
 */
export async function evaluate(tracer: Tracer, client: OpenAI, question: string): Promise<{ verdict: Verdict; text: string }> {
  return tracer.startActiveSpan('evaluate', async (span) => {
    try {
      const stream = openAnswer(client, question);
      let text = '';
      let verdict: Verdict = 'NONE';
      const scored = pipe(
        stream,
        mapTraced(
          (c: ChatCompletionChunk, { span: chunkSpan }) => {
            const content = c.choices[0]?.delta.content ?? '';
            chunkSpan.setAttribute('chunk.length', content.length);
            return content;
          },
          { name: 'score.chunk' },
        ),
      );
      for await (const content of scored) {
        text += content;
        const found = /\b(PASS|FAIL)\b/.exec(text);
        if (found !== null) {
          verdict = found[1] as Verdict;
          break;
        }
      }
      span.setAttribute('evaluation.verdict', verdict);
      return { verdict, text };
    } finally {
      span.end();
    }
  });
}
