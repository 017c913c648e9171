/**
 * C9 as a pluggable check: every span ended exactly once, the stream span with the right
 * outcome, status and parent. It reads spans through two callbacks, so it needs no
 * OpenTelemetry import of its own: feed it from a span processor of your SDK.
 */
import type { ScenarioCheck } from './check.js';
import { abandons } from './scenario.js';

/**
 * The parts of an SDK span the check reads (an `@opentelemetry/sdk-trace-base` span or
 * `ReadableSpan` has them).
 *
 * @example
 * ```ts
 * import type { SpanLike } from 'iterscope/testing';
 * const span: SpanLike = {
 *   name: 'stream',
 *   attributes: { 'iterscope.outcome': 'completed' },
 *   status: { code: 0 },
 *   spanContext: () => ({ spanId: 'b7ad6b7169203331' }),
 *   parentSpanContext: undefined,
 * };
 * console.log(span.name);
 * ```
 */
export interface SpanLike {
  /** The span's name. */
  readonly name: string;
  /** Its attributes when it ended. */
  readonly attributes: Readonly<Record<string, unknown>>;
  /** Its status; code 2 is ERROR. */
  readonly status: {
    /** 0 UNSET, 1 OK, 2 ERROR. */
    readonly code: number;
  };
  /** Its own id. */
  spanContext(): {
    /** The span's id. */
    readonly spanId: string;
  };
  /** Its parent's context, if any. */
  readonly parentSpanContext?:
    | {
        /** The parent span's id. */
        readonly spanId: string;
      }
    | undefined;
}

/**
 * Where the span check gets its spans.
 *
 * @example
 * ```ts
 * import type { SpanCheckOptions, SpanLike } from 'iterscope/testing';
 * const started: SpanLike[] = [];
 * const ended: SpanLike[] = [];
 * const options: SpanCheckOptions = {
 *   started: () => started,
 *   ended: () => ended,
 *   reset: () => { started.length = 0; ended.length = 0; },
 *   streamSpanName: 'stream',
 * };
 * console.log(options.streamSpanName);
 * ```
 */
export interface SpanCheckOptions {
  /** Every span started during the scenario (a span processor's `onStart`). */
  readonly started: () => readonly SpanLike[];
  /** One entry per end that reached the SDK (a span processor's `onEnd`). */
  readonly ended: () => readonly SpanLike[];
  /** Forget the spans of the previous scenario. */
  readonly reset: () => void;
  /** The name of the stream span (the outermost `traced`). */
  readonly streamSpanName: string;
  /** The id of the span the stream span must be a child of; left out: it must be a root. */
  readonly parentSpanId?: string | undefined;
  /** The stream span is not the outermost stage: a consumer's `throw()` reaches it as `cancelled` (C1). */
  readonly inner?: boolean | undefined;
  /** How many times a span was ended twice (from a diag logger, say); must stay 0. */
  readonly doubleEnds?: (() => number) | undefined;
}

const OUTCOME = 'iterscope.outcome';
const STATUS_ERROR = 2;

/**
 * C9: a {@link ScenarioCheck} for `iterscope/otel`: every span started in the scenario
 * ended exactly once; the stream span says how the stream ended (`iterscope.outcome`,
 * matching what the consumer saw), has status ERROR exactly when it ended in error, and
 * has the given parent; every other span is a child of a span of the scenario.
 *
 * @param options - Where the spans come from.
 * @returns A check for `checkContract({ checks: [...] })`.
 * @example
 * ```ts
 * import { spanCheck, type SpanLike } from 'iterscope/testing';
 * const started: SpanLike[] = [];
 * const ended: SpanLike[] = [];
 * const check = spanCheck({
 *   started: () => started,
 *   ended: () => ended,
 *   reset: () => { started.length = 0; ended.length = 0; },
 *   streamSpanName: 'stream',
 * });
 * console.log(check.name); // 'spans'
 * ```
 */
export function spanCheck(options: SpanCheckOptions): ScenarioCheck {
  let doubleEndsBefore = 0;
  return {
    name: 'spans',
    before: () => {
      options.reset();
      doubleEndsBefore = options.doubleEnds?.() ?? 0;
    },
    after: (observation) => {
      const out: string[] = [];
      const started = options.started();
      const ids = new Set(started.map((s) => s.spanContext().spanId));
      // Spans of earlier scenarios may end now (a collected abandoned stream): not ours.
      const ended = options.ended().filter((s) => ids.has(s.spanContext().spanId));
      const endCounts = new Map<string, number>();
      for (const span of ended) {
        const id = span.spanContext().spanId;
        endCounts.set(id, (endCounts.get(id) ?? 0) + 1);
      }
      for (const [id, count] of endCounts) if (count > 1) out.push(`span ${id} was ended ${String(count)} times`);
      const doubleEnds = (options.doubleEnds?.() ?? 0) - doubleEndsBefore;
      if (doubleEnds > 0) out.push(`${String(doubleEnds)} span(s) were ended twice`);
      // An abandoned stream's span ends only once its stage is collected (C7), which the
      // collector may do later than the scenario.
      const mayBeOpen = abandons(observation.scenario.consumer.end);
      if (!mayBeOpen) {
        for (const span of started) {
          if (!endCounts.has(span.spanContext().spanId)) out.push(`span ${span.name} was never ended`);
        }
      }
      const streams = ended.filter((s) => s.name === options.streamSpanName);
      const stream = streams[0];
      if (stream !== undefined) {
        const outcome = stream.attributes[OUTCOME];
        const inner = options.inner === true;
        const expected = inner && observation.thrownIn ? 'cancelled' : observation.expectedOutcome;
        // An inner stream may see its source finish (done or failed) before the outer
        // close reaches it.
        const finishedFirst =
          inner && (outcome === 'completed' || outcome === 'error') && (expected === 'cancelled' || expected === 'aborted');
        // An inner stream with a signal of its own may hear the abort before the consumer's
        // close, which travels down through the stages above it, has reached it: a stage
        // ends with the first stop that reaches it (C3), so it ends `aborted`.
        const abortedFirst = inner && outcome === 'aborted' && expected === 'cancelled' && observation.scenario.consumer.abortAt !== undefined;
        if (expected !== 'unknown' && outcome !== expected && !finishedFirst && !abortedFirst) {
          out.push(`the stream span ended with outcome ${String(outcome)}, the consumer saw ${expected}`);
        }
        if ((stream.status.code === STATUS_ERROR) !== (outcome === 'error')) {
          out.push(`the stream span's status (${String(stream.status.code)}) does not match its outcome ${String(outcome)}`);
        }
        const parent = stream.parentSpanContext?.spanId;
        if (parent !== options.parentSpanId) out.push(`the stream span's parent is ${String(parent)}, not ${String(options.parentSpanId)}`);
      }
      for (const span of ended) {
        if (span === stream) continue;
        const parent = span.parentSpanContext?.spanId;
        if (parent === undefined || !ids.has(parent)) out.push(`span ${span.name} has a parent outside the stream (${String(parent)})`);
      }
      return out;
    },
  };
}
