import { trace } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { pipe, toArray } from 'iterscope';
import { mapTraced, traced, VERSION, type ItemScope } from 'iterscope/otel';
import { sdk, useTracing } from './tracing.js';

// The details a span carries that a backend shows (C9): who made it, in which unit a time
// is, which attributes exist at all, and which span a sampled-out item's work continues.

describe('span details', () => {
  const t = useTracing({ contextManager: false });

  it("without a tracer option, spans come from the global provider's `iterscope` tracer, at this version", async () => {
    await toArray(pipe([1], traced({ name: 'stream' }), mapTraced((x: number) => x, { name: 'item' })));
    for (const name of ['stream', 'item']) {
      const { name: scope, version } = t.span(name).instrumentationScope;
      expect([scope, version]).toEqual(['iterscope', VERSION]);
    }
  });

  it('time_to_first_item is in seconds: never more than the whole span lasted', async () => {
    await toArray(pipe([1, 2], traced({ name: 'stream' })));
    const span = t.span('stream');
    const seconds = span.attributes['iterscope.time_to_first_item'] as number;
    expect(seconds).toBeGreaterThanOrEqual(0);
    // The span's own duration ([seconds, nanoseconds] from the SDK's clock), plus a
    // microsecond for its rounding.
    const [s, ns] = span.duration;
    expect(seconds).toBeLessThanOrEqual(s + ns / 1e9 + 1e-6);
  });

  it('item_events_dropped appears only when events were dropped', async () => {
    const itemEvent = (x: number) => ({ 'item.value': x });
    await toArray(pipe([1, 2], traced({ name: 'all', itemEvent })));
    await toArray(pipe([1, 2, 3], traced({ name: 'capped', itemEvent, maxItemEvents: 1 })));
    expect(t.span('all').attributes).not.toHaveProperty('iterscope.item_events_dropped');
    expect(t.span('capped').attributes['iterscope.item_events_dropped']).toBe(2);
  });

  it("a sampled-out item's context still carries the item's own span, so the work it calls continues that trace", async () => {
    const { provider } = sdk.createProvider({ sampleNothing: true });
    const carried: boolean[] = [];
    await toArray(pipe([1, 2], mapTraced((x: number, { span, context }: ItemScope) => {
      carried.push(!span.isRecording() && trace.getSpan(context) === span);
      return x;
    }, { name: 'item', tracer: provider.getTracer('sampled-out') })));
    expect(carried).toEqual([true, true]);
  });

  it('mapTraced applied to a number: a TypeError naming the source', () => {
    expect(() => mapTraced((x: number) => x, { name: 'item' })(42 as never)).toThrow(/mapTraced: expected `source`.*got `42` \(number\)/);
  });
});
