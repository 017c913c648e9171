/** Small lookups over finished spans, shared by the example tests. */
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';

export const idOf = (span: ReadableSpan): string => span.spanContext().spanId;
export const parentOf = (span: ReadableSpan): string | undefined => span.parentSpanContext?.spanId;
export const outcomeOf = (span: ReadableSpan): unknown => span.attributes['iterscope.outcome'];

export function named(spans: readonly ReadableSpan[], name: string): ReadableSpan[] {
  return spans.filter((s) => s.name === name);
}

/** The one span called `name`; throws when there is not exactly one. */
export function only(spans: readonly ReadableSpan[], name: string): ReadableSpan {
  const found = named(spans, name);
  if (found.length !== 1) throw new Error(`expected one span named ${name}, found ${String(found.length)}`);
  return found[0]!;
}
