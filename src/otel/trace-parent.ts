/**
 * How `mapTraced` finds the stream span upstream: a traced stage (and a `mapTraced` stage,
 * so that several in a row share one parent) answers this key with the context its item
 * spans should hang from. A registered symbol, so two copies of iterscope agree.
 */
import type { Context } from '@opentelemetry/api';

export const kTraceParent = Symbol.for('iterscope.otel.traceParent');

export interface TraceParentHolder {
  readonly [kTraceParent]: Context;
}

export function upstreamParent(source: unknown): Context | undefined {
  if (typeof source !== 'object' || source === null || !(kTraceParent in source)) return undefined;
  return (source as TraceParentHolder)[kTraceParent];
}
