import { context, ROOT_CONTEXT, trace, type Span } from '@opentelemetry/api';
import { afterEach, describe, expect, it } from 'vitest';
import { pipe } from 'iterscope';
import { mapTraced, traced } from 'iterscope/otel';
import { sdk, source } from './tracing.js';

// C9: a non-recording span (no SDK, or sampled out) costs next to nothing: it is checked
// once and no per-item work is done for it; streams still work and close the same way.

afterEach(() => {
  context.disable();
  trace.disable();
});

describe('non-recording spans', () => {
  it('with no SDK registered, nothing per item runs, and the stream behaves the same', async () => {
    let offered = 0;
    const src = source();
    const out: number[] = [];
    for await (const x of pipe(
      src,
      traced<number>({ name: 'stream', itemEvent: () => ((offered++), {}) }),
      mapTraced((x: number, { span }) => (span.isRecording() ? -1 : x), { name: 'item' }),
    )) {
      out.push(x);
      if (x === 2) break;
    }
    expect(out).toEqual([0, 1, 2]);
    expect(offered).toBe(0);
    expect(src.calls.return).toBe(1);
  });

  it('with no SDK, the parent context is reused as is (no context copy per item)', async () => {
    context.setGlobalContextManager(sdk.createContextManager());
    const parent = ROOT_CONTEXT.setValue(Symbol('k'), 'v');
    const seen: unknown[] = [];
    for await (const _ of pipe([1, 2], mapTraced((_x: number, { context: itemContext }) => {
      seen.push(itemContext, context.active());
      return 0;
    }, { name: 'item', context: parent }))) {
      // drain
    }
    expect(seen.every((c) => c === parent)).toBe(true);
  });

  it('sampled out: no item events, no spans exported, yet children still see the (sampled-out) stream span', async () => {
    const { provider, finishedSpans } = sdk.createProvider({ sampleNothing: true });
    trace.setGlobalTracerProvider(provider);
    context.setGlobalContextManager(sdk.createContextManager());
    let offered = 0;
    const streamSpans: (Span | undefined)[] = [];
    async function* producer() {
      yield 1;
      streamSpans.push(trace.getActiveSpan());
      yield 2;
    }
    for await (const _ of pipe(producer(), traced<number>({ name: 'stream', itemEvent: () => ((offered++), {}) }))) {
      // drain
    }
    expect(offered).toBe(0);
    expect(finishedSpans()).toEqual([]);
    expect(streamSpans[0]?.isRecording()).toBe(false);
    expect(streamSpans[0]?.spanContext().spanId).toMatch(/^[0-9a-f]{16}$/);
  });
});
