/**
 * C10 for the tracing options: every option is checked when `traced(...)`, `mapTraced(...)`
 * or `bindContext(...)` is called, not when the stream is first read.
 */
import type { Context } from '@opentelemetry/api';
import { checkCount, checkDuration, checkFunction, checkOptions, checkSignal, describe } from 'iterscope/internal';

/** The fields shared by `traced` and `mapTraced` options. */
interface CommonOptions {
  readonly name?: unknown;
  readonly tracer?: unknown;
  readonly context?: unknown;
  readonly attributes?: unknown;
  readonly kind?: unknown;
  readonly signal?: unknown;
  readonly closeTimeout?: unknown;
}

export function checkContext(where: string, name: string, value: unknown): asserts value is Context {
  if (
    typeof value !== 'object' ||
    value === null ||
    typeof (value as Context).getValue !== 'function' ||
    typeof (value as Context).setValue !== 'function'
  ) {
    throw new TypeError(`${where}: expected \`${name}\` to be an OpenTelemetry Context, got ${describe(value)}.`);
  }
}

export function checkCommonOptions(where: string, options: unknown): void {
  if (typeof options !== 'object' || options === null) {
    checkOptions(where, options);
    throw new TypeError(`${where}: expected \`options\` to be an object with a \`name\`, got ${describe(options)}.`);
  }
  const o = options as CommonOptions;
  if (typeof o.name !== 'string' || o.name === '') {
    throw new TypeError(`${where}: expected \`options.name\` to be a non-empty string, got ${describe(o.name)}.`);
  }
  const startSpan = (o.tracer as { startSpan?: unknown } | null | undefined)?.startSpan;
  if (o.tracer !== undefined && typeof startSpan !== 'function') {
    throw new TypeError(`${where}: expected \`options.tracer\` to be an OpenTelemetry Tracer, got ${describe(o.tracer)}.`);
  }
  if (o.context !== undefined) checkContext(where, 'options.context', o.context);
  if (o.attributes !== undefined && (typeof o.attributes !== 'object' || o.attributes === null || Array.isArray(o.attributes))) {
    throw new TypeError(`${where}: expected \`options.attributes\` to be an object of attributes, got ${describe(o.attributes)}.`);
  }
  if (o.kind !== undefined && !(typeof o.kind === 'number' && Number.isInteger(o.kind) && o.kind >= 0 && o.kind <= 4)) {
    throw new TypeError(`${where}: expected \`options.kind\` to be a SpanKind (0 to 4), got ${describe(o.kind)}.`);
  }
  if (o.signal !== undefined) checkSignal(where, 'options.signal', o.signal);
  if (o.closeTimeout !== undefined) checkDuration(where, 'options.closeTimeout', o.closeTimeout);
}

export function checkTracedOptions(where: string, options: unknown): void {
  checkCommonOptions(where, options);
  const o = options as { itemEvent?: unknown; maxItemEvents?: unknown; endWhen?: unknown };
  if (o.itemEvent !== undefined) checkFunction(where, 'options.itemEvent', o.itemEvent);
  if (o.maxItemEvents !== undefined) checkCount(where, 'options.maxItemEvents', o.maxItemEvents);
  if (o.endWhen !== undefined && o.endWhen !== 'closed' && o.endWhen !== 'stopped') {
    throw new TypeError(`${where}: expected \`options.endWhen\` to be 'closed' or 'stopped', got ${describe(o.endWhen)}.`);
  }
}

export function checkConcurrency(where: string, value: unknown): void {
  checkCount(where, 'options.concurrency', value);
  if (value === 0) {
    throw new RangeError(`${where}: expected \`options.concurrency\` to be a whole number from 1 up, or Infinity, got \`0\` (number).`);
  }
}

export function checkStageOptions(where: string, options: unknown): void {
  checkOptions(where, options);
  const o = options as { signal?: unknown; closeTimeout?: unknown } | undefined;
  if (o?.signal !== undefined) checkSignal(where, 'options.signal', o.signal);
  if (o?.closeTimeout !== undefined) checkDuration(where, 'options.closeTimeout', o.closeTimeout);
}
