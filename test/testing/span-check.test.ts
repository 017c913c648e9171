/**
 * The C9 span check must fail when a span says something else than the consumer saw: the
 * property suite's otel test is only as strict as this check.
 */
import { describe, expect, it } from 'vitest';
import { spanCheck, type Scenario, type ScenarioObservation, type SpanLike } from 'iterscope/testing';

const span = (outcome: string, code = 0): SpanLike => ({
  name: 'stream',
  attributes: { 'iterscope.outcome': outcome },
  status: { code },
  spanContext: () => ({ spanId: 's1' }),
});

const scenario = (abortAt: number | undefined): Scenario => ({
  sources: [],
  stages: [],
  consumer: { steps: [], end: 'return', ...(abortAt === undefined ? {} : { abortAt }), abortReason: 'error' },
  seed: 0,
}) as unknown as Scenario;

const observation = (expectedOutcome: ScenarioObservation['expectedOutcome'], abortAt?: number): ScenarioObservation => ({
  scenario: scenario(abortAt),
  expectedOutcome,
  thrownIn: false,
  abortReason: undefined,
  aborted: abortAt !== undefined,
  collected: false,
});

async function check(ended: SpanLike, seen: ScenarioObservation, inner: boolean): Promise<readonly string[]> {
  const c = spanCheck({ started: () => [ended], ended: () => [ended], reset: () => undefined, streamSpanName: 'stream', inner });
  c.before?.();
  return c.after(seen);
}

describe('spanCheck (C9)', () => {
  it('reports a stream span whose outcome is not what the consumer saw', async () => {
    expect(await check(span('aborted'), observation('cancelled'), false)).toEqual(['the stream span ended with outcome aborted, the consumer saw cancelled']);
    expect(await check(span('completed'), observation('cancelled'), false)).toHaveLength(1);
    expect(await check(span('cancelled'), observation('cancelled'), false)).toEqual([]);
  });

  it('reports status ERROR on a span that did not end in error, and its absence on one that did', async () => {
    expect(await check(span('cancelled', 2), observation('cancelled'), false)).toHaveLength(1);
    expect(await check(span('error', 0), observation('error'), false)).toHaveLength(1);
  });

  it('an inner stream with a signal of its own may hear the abort before the consumer\'s close reached it', async () => {
    // The abort fired during the scenario: the inner stream ended by it first.
    expect(await check(span('aborted'), observation('cancelled', 3), true)).toEqual([]);
    // No abort in the scenario: an inner span saying aborted is wrong.
    expect(await check(span('aborted'), observation('cancelled'), true)).toHaveLength(1);
    // The outermost stream is what the consumer closed: it must say cancelled.
    expect(await check(span('aborted'), observation('cancelled', 3), false)).toHaveLength(1);
  });
});
