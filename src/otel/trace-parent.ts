/**
 * How `mapTraced` finds the stream span upstream: a traced stage (and a `mapTraced` stage,
 * so that several in a row share one parent) answers this key with the parent its item
 * spans should hang from. A registered symbol, so two copies of iterscope agree.
 *
 * Each item span holds its parent while it runs: a stream span whose source finished while
 * items read ahead (concurrency) are still running ends after the last of them, so children
 * always end before their parent (C9).
 */
import type { Context } from '@opentelemetry/api';

export const kTraceParent = Symbol.for('iterscope.otel.traceParent');

export interface TraceParent {
  readonly context: Context;
  hold(): void;
  release(): void;
}

export interface TraceParentHolder {
  readonly [kTraceParent]: TraceParent;
}

export function upstreamParent(source: unknown): TraceParent | undefined {
  if (typeof source !== 'object' || source === null || !(kTraceParent in source)) return undefined;
  return (source as TraceParentHolder)[kTraceParent];
}

/** A parent given as a plain context: nothing to hold. */
export class ContextParent implements TraceParent {
  readonly context: Context;
  constructor(context: Context) {
    this.context = context;
  }
  hold(): void {
    // A context does not end.
  }
  release(): void {
    // A context does not end.
  }
}
