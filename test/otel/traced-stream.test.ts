import { Stream } from 'openai/streaming';
import { trace } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { pipe } from 'iterscope';
import { mapTraced, tracedStream } from 'iterscope/otel';
import { ticks, useTracing } from './tracing.js';

// tracedStream keeps an SDK's stream object (here the real OpenAI `Stream`, fed by a local
// SSE response) and traces its iteration; an SDK that ends the stream normally on abort
// still gets `aborted`.

interface Chunk {
  readonly i: number;
}

/** An SSE response with `count` chunks; after `stallAfter` chunks it waits until aborted. */
function sseStream(count: number, stallAfter = Infinity): { stream: Stream<Chunk>; controller: AbortController } {
  const controller = new AbortController();
  const encoder = new TextEncoder();
  let i = 0;
  const body = new ReadableStream<Uint8Array>({
    async pull(ctrl) {
      if (i === stallAfter) {
        await new Promise<void>((resolve) => {
          controller.signal.addEventListener('abort', () => {
            resolve();
          });
        });
        ctrl.error(controller.signal.reason);
        return;
      }
      if (i < count) ctrl.enqueue(encoder.encode(`data: ${JSON.stringify({ i: i++ })}\n\n`));
      else {
        ctrl.enqueue(encoder.encode('data: [DONE]\n\n'));
        ctrl.close();
      }
    },
  });
  return { stream: Stream.fromSSEResponse<Chunk>(new Response(body), controller), controller };
}

describe('tracedStream over an OpenAI Stream', () => {
  const t = useTracing({ contextManager: true });

  it('mapTraced after tracedStream hangs its item spans from the stream span', async () => {
    const { stream } = sseStream(2);
    const items = pipe(tracedStream(stream, { name: 'chat.stream' }), mapTraced((c: Chunk) => c.i, { name: 'chunk' }));
    const seen: number[] = [];
    for await (const i of items) seen.push(i);
    expect(seen).toEqual([0, 1]);
    const streamSpan = t.span('chat.stream');
    const chunks = t.spans().filter((s) => s.name === 'chunk');
    expect(chunks).toHaveLength(2);
    for (const c of chunks) expect(c.parentSpanContext?.spanId).toBe(streamSpan.spanContext().spanId);
  });

  it('returns the same object, methods intact, and traces its iteration', async () => {
    const { stream, controller } = sseStream(3);
    const same = tracedStream(stream, { name: 'chat.stream', attributes: { 'gen_ai.request.stream': true } });
    expect(same).toBe(stream);
    expect(same.controller).toBe(controller);
    expect(typeof same.toReadableStream).toBe('function');
    const seen: number[] = [];
    for await (const chunk of same) seen.push(chunk.i);
    expect(seen).toEqual([0, 1, 2]);
    const span = t.span('chat.stream');
    expect(span.attributes['iterscope.outcome']).toBe('completed');
    expect(span.attributes['iterscope.items']).toBe(3);
    expect(span.attributes['gen_ai.request.stream']).toBe(true);
  });

  it('break: cancelled', async () => {
    const { stream } = sseStream(5);
    for await (const chunk of tracedStream(stream, { name: 'chat.stream' })) if (chunk.i === 1) break;
    expect(t.span('chat.stream').attributes['iterscope.outcome']).toBe('cancelled');
  });

  it('controller.abort(): the SDK ends the loop normally, the span says aborted', async () => {
    const { stream, controller } = sseStream(5, 2);
    const seen: number[] = [];
    for await (const chunk of tracedStream(stream, { name: 'chat.stream' })) {
      seen.push(chunk.i);
      if (chunk.i === 1) setTimeout(() => {
        controller.abort();
      }, 1);
    }
    // No error reached the loop: the SDK's own behaviour is kept.
    expect(seen).toEqual([0, 1]);
    const span = t.span('chat.stream');
    expect(span.attributes['iterscope.outcome']).toBe('aborted');
    expect(span.status.code).toBe(0);
  });

  it('toReadableStream() reads through the traced iterator', async () => {
    const { stream } = sseStream(2);
    const readable = tracedStream(stream, { name: 'chat.stream' }).toReadableStream();
    const text = await new Response(readable).text();
    expect(text.trim().split('\n').map((line) => (JSON.parse(line) as Chunk).i)).toEqual([0, 1]);
    const span = t.span('chat.stream');
    expect(span.attributes['iterscope.outcome']).toBe('completed');
    expect(span.attributes['iterscope.items']).toBe(2);
  });

  it("closing the traced stream before the SDK's iterator was opened still aborts the SDK's controller", async () => {
    const { stream, controller } = sseStream(5);
    const iterator = tracedStream(stream, { name: 'chat.stream' })[Symbol.asyncIterator]();
    await iterator.return?.();
    expect(controller.signal.aborted).toBe(true);
    expect((controller.signal.reason as DOMException).name).toBe('AbortError');
    expect(t.span('chat.stream').attributes['iterscope.outcome']).toBe('cancelled');
  });

  it("an abort of the traced stream aborts the SDK's controller with the same reason; reading to the end does not abort it", async () => {
    const user = new AbortController();
    const reason = new Error('user left');
    const { stream, controller } = sseStream(5, 1);
    const iterator = tracedStream(stream, { name: 'chat.stream', signal: user.signal })[Symbol.asyncIterator]();
    await iterator.next();
    const pending = iterator.next();
    user.abort(reason);
    await expect(pending).rejects.toBe(reason);
    await ticks(10);
    expect(controller.signal.aborted).toBe(true);
    expect(controller.signal.reason).toBe(reason);

    const done = sseStream(2);
    for await (const _ of tracedStream(done.stream, { name: 'complete' })) {
      // read to the end
    }
    expect(done.controller.signal.aborted).toBe(false);
  });

  describe('the lazy form: tracedStream((signal) => stream)', () => {
    it('opens on the first read, inside the stream span, and aborts the signal when the consumer stops', async () => {
      let signal: AbortSignal | undefined;
      let activeAtOpen: string | undefined;
      const stream = tracedStream(async (s: AbortSignal) => {
        signal = s;
        activeAtOpen = trace.getActiveSpan()?.spanContext().spanId;
        return sseStream(5).stream;
      }, { name: 'chat.stream' });
      expect(signal).toBeUndefined();
      for await (const chunk of stream) if (chunk.i === 1) break;
      expect(activeAtOpen).toBe(t.span('chat.stream').spanContext().spanId);
      expect(signal?.aborted).toBe(true);
      expect((signal?.reason as DOMException).name).toBe('AbortError');
      expect(t.span('chat.stream').attributes['iterscope.outcome']).toBe('cancelled');
    });

    it('a stream read to the end: completed, the signal is left alone', async () => {
      let signal: AbortSignal | undefined;
      const seen: number[] = [];
      for await (const chunk of tracedStream((s: AbortSignal) => ((signal = s), sseStream(2).stream), { name: 'chat.stream' })) seen.push(chunk.i);
      expect(seen).toEqual([0, 1]);
      expect(signal?.aborted).toBe(false);
      expect(t.span('chat.stream').attributes['iterscope.outcome']).toBe('completed');
    });

    it('stopped while the request is still opening: the signal aborts it, and the close does not wait for it', async () => {
      const user = new AbortController();
      const reason = new Error('user left');
      const stream = tracedStream(
        (s: AbortSignal) => new Promise<AsyncIterable<number>>((_resolve, reject) => {
          s.addEventListener('abort', () => {
            reject(s.reason as Error);
          });
        }),
        { name: 'chat.stream', signal: user.signal },
      );
      const pending = stream[Symbol.asyncIterator]().next();
      user.abort(reason);
      await expect(pending).rejects.toBe(reason);
      await ticks(10);
      expect(t.span('chat.stream').attributes['iterscope.outcome']).toBe('aborted');
    });

    it('open(signal) that returns no async iterable: a TypeError naming it', async () => {
      const stream = tracedStream(() => 42 as never, { name: 'chat.stream' });
      await expect(stream[Symbol.asyncIterator]().next()).rejects.toThrow(/tracedStream: `open\(signal\)` must return an async iterable, got `42` \(number\)/);
    });
  });
});
