/**
 * An evaluator that reads a model's streamed answer through the `openai` client and stops
 * as soon as it has a verdict. The SDK's `Stream` is traced with `tracedStream`, which
 * keeps the object itself (its `controller`, `toReadableStream()`, `tee()`): code that
 * takes an OpenAI stream still gets one.
 */
import { SpanKind, type Tracer } from '@opentelemetry/api';
import OpenAI from 'openai';
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import type { Stream } from 'openai/streaming';
import { pipe } from 'iterscope';
import { mapTraced, tracedStream } from 'iterscope/otel';

export const MODEL = 'loopback-judge';

export function createClient(baseURL: string): OpenAI {
  // No retries: a test must see the first request, and only that one.
  return new OpenAI({ apiKey: 'sk-loopback', baseURL, maxRetries: 0, timeout: 10_000 });
}

/** Start a streamed completion and trace it; the span starts now, under the active context. */
export async function streamAnswer(client: OpenAI, question: string): Promise<Stream<ChatCompletionChunk>> {
  const stream = await client.chat.completions.create({ model: MODEL, stream: true, messages: [{ role: 'user', content: question }] });
  return tracedStream(stream, {
    name: `chat ${MODEL}`,
    kind: SpanKind.CLIENT,
    attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': MODEL, 'gen_ai.request.stream': true },
  });
}

export type Verdict = 'PASS' | 'FAIL' | 'NONE';

/**
 * Judge an answer: read the stream until the verdict is known, then stop reading. Each
 * chunk is scored in a span of its own (`mapTraced`); `break` closes the pipeline, which
 * closes the SDK's stream, which aborts the HTTP request.
 */
export async function evaluate(tracer: Tracer, client: OpenAI, question: string): Promise<{ verdict: Verdict; text: string }> {
  return tracer.startActiveSpan('evaluate', async (span) => {
    try {
      const stream = await streamAnswer(client, question);
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
