import { isSpanContextValid, trace, type Context, type Span, type SpanContext } from '@opentelemetry/api';

/**
 * The context a span's work runs in: the parent with the span set. A span that records
 * nothing and carries its parent's identity (what the API returns without an SDK), or no
 * identity at all under a parent without one, changes nothing for anyone reading the
 * context: the parent is reused and the context copy is spared, which is most of the cost
 * of an item when nobody records.
 */
export function contextWithSpan(
  parent: Context,
  parentSpanContext: SpanContext | undefined,
  span: Span,
  recording: boolean,
): Context {
  if (!recording) {
    const own = span.spanContext();
    if (own === parentSpanContext || (parentSpanContext === undefined && !isSpanContextValid(own))) return parent;
  }
  return trace.setSpan(parent, span);
}
