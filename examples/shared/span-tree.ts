/**
 * Print finished spans as a tree: each span under its parent, siblings in start order,
 * with the iterscope attributes that say how a stream ended.
 *
 * ```text
 * GET /chat  [SERVER] 48.2 ms
 * └─ llm.stream  outcome=aborted items=4 12.0 ms
 *    ├─ llm.connect  3.1 ms
 *    └─ tool.call  #0 outcome=completed 2.2 ms
 * ```
 */
import { SpanKind } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';

export interface SpanTreeOptions {
  /** Print each span's duration (default true; tests turn it off to compare text). */
  readonly durations?: boolean;
}

const KIND_LABEL: Partial<Record<SpanKind, string>> = {
  [SpanKind.SERVER]: 'SERVER',
  [SpanKind.CLIENT]: 'CLIENT',
  [SpanKind.PRODUCER]: 'PRODUCER',
  [SpanKind.CONSUMER]: 'CONSUMER',
};

function startOf(span: ReadableSpan): number {
  return span.startTime[0] * 1e9 + span.startTime[1];
}

function label(span: ReadableSpan, durations: boolean): string {
  const parts = [span.name];
  const kind = KIND_LABEL[span.kind];
  if (kind !== undefined) parts.push(`[${kind}]`);
  const a = span.attributes;
  const index = a['iterscope.item.index'];
  if (index !== undefined) parts.push(`#${String(index)}`);
  const outcome = a['iterscope.outcome'];
  if (outcome !== undefined) parts.push(`outcome=${String(outcome)}`);
  const items = a['iterscope.items'];
  if (items !== undefined) parts.push(`items=${String(items)}`);
  if (durations) parts.push(`${(span.duration[0] * 1e3 + span.duration[1] / 1e6).toFixed(1)} ms`);
  return parts.join(' ');
}

/**
 * Render `spans` as an indented tree. A span whose parent is not among `spans` is a root.
 */
export function formatSpanTree(spans: readonly ReadableSpan[], options: SpanTreeOptions = {}): string {
  const durations = options.durations ?? true;
  const ids = new Set(spans.map((s) => s.spanContext().spanId));
  const children = new Map<string | undefined, ReadableSpan[]>();
  for (const span of spans) {
    const parent = span.parentSpanContext?.spanId;
    const key = parent !== undefined && ids.has(parent) ? parent : undefined;
    let list = children.get(key);
    if (list === undefined) children.set(key, (list = []));
    list.push(span);
  }
  for (const list of children.values()) list.sort((a, b) => startOf(a) - startOf(b));

  const lines: string[] = [];
  const walk = (span: ReadableSpan, prefix: string, last: boolean, root: boolean): void => {
    lines.push(root ? label(span, durations) : `${prefix}${last ? '└─ ' : '├─ '}${label(span, durations)}`);
    const below = children.get(span.spanContext().spanId) ?? [];
    const nextPrefix = root ? '' : `${prefix}${last ? '   ' : '│  '}`;
    below.forEach((child, i) => {
      walk(child, nextPrefix, i === below.length - 1, false);
    });
  };
  for (const root of children.get(undefined) ?? []) walk(root, '', true, true);
  return lines.join('\n');
}
