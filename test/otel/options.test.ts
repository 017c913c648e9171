import { ROOT_CONTEXT, SpanKind } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { pipe, toArray } from 'iterscope';
import { bindContext, mapTraced, traced, tracedStream } from 'iterscope/otel';
import { useTracing } from './tracing.js';

// C10: bad options fail at the call, with a message that names the argument and shows
// what was passed; nothing is started.

const fn = (x: unknown) => x;

describe('C10: bad input throws at the call', () => {
  it.each([
    ['no options', () => traced(undefined as never), TypeError, /traced: expected `options` to be an object with a `name`, got `undefined`/],
    ['options not an object', () => traced(5 as never), TypeError, /traced: expected `options` to be an object or undefined, got `5` \(number\)/],
    ['missing name', () => traced({} as never), TypeError, /`options.name` to be a non-empty string, got `undefined`/],
    ['empty name', () => traced({ name: '' }), TypeError, /`options.name` to be a non-empty string, got `""` \(string\)/],
    ['null options', () => traced(null as never), TypeError, /traced: expected `options` to be an object or undefined, got `null`/],
    ['bad tracer', () => traced({ name: 's', tracer: {} as never }), TypeError, /`options.tracer` to be an OpenTelemetry Tracer, got an object/],
    ['null tracer', () => traced({ name: 's', tracer: null as never }), TypeError, /`options.tracer` to be an OpenTelemetry Tracer, got `null`/],
    ['tracer a string', () => traced({ name: 's', tracer: 'tracer' as never }), TypeError, /`options.tracer` to be an OpenTelemetry Tracer, got `"tracer"` \(string\)/],
    ['null context', () => traced({ name: 's', context: null as never }), TypeError, /`options.context` to be an OpenTelemetry Context, got `null`/],
    ['context without setValue', () => traced({ name: 's', context: { getValue: () => undefined } as never }), TypeError, /`options.context` to be an OpenTelemetry Context, got an object/],
    ['context without getValue', () => traced({ name: 's', context: { setValue: () => ROOT_CONTEXT } as never }), TypeError, /`options.context` to be an OpenTelemetry Context, got an object/],
    ['null attributes', () => traced({ name: 's', attributes: null as never }), TypeError, /`options.attributes` to be an object of attributes, got `null`/],
    ['attributes a string', () => traced({ name: 's', attributes: 'a=1' as never }), TypeError, /`options.attributes` to be an object of attributes, got `"a=1"` \(string\)/],
    ['kind below 0', () => traced({ name: 's', kind: -1 as never }), TypeError, /`options.kind` to be a SpanKind \(0 to 4\), got `-1` \(number\)/],
    ['kind 5', () => traced({ name: 's', kind: 5 as never }), TypeError, /`options.kind` to be a SpanKind \(0 to 4\), got `5` \(number\)/],
    ['kind not whole', () => traced({ name: 's', kind: 1.5 as never }), TypeError, /`options.kind` to be a SpanKind \(0 to 4\), got `1.5` \(number\)/],
    ['kind a string', () => traced({ name: 's', kind: '1' as never }), TypeError, /`options.kind` to be a SpanKind \(0 to 4\), got `"1"` \(string\)/],
    ['bad context', () => traced({ name: 's', context: 'ctx' as never }), TypeError, /`options.context` to be an OpenTelemetry Context, got `"ctx"` \(string\)/],
    ['bad attributes', () => traced({ name: 's', attributes: [] as never }), TypeError, /`options.attributes` to be an object of attributes, got an array/],
    ['bad kind', () => traced({ name: 's', kind: 9 as never }), TypeError, /`options.kind` to be a SpanKind \(0 to 4\), got `9` \(number\)/],
    ['bad signal', () => traced({ name: 's', signal: {} as never }), TypeError, /`options.signal` to be an AbortSignal/],
    ['negative closeTimeout', () => traced({ name: 's', closeTimeout: -1 }), RangeError, /`options.closeTimeout`.*got `-1` \(number\)/],
    ['bad itemEvent', () => traced({ name: 's', itemEvent: 1 as never }), TypeError, /`options.itemEvent` to be a function, got `1` \(number\)/],
    ['negative maxItemEvents', () => traced({ name: 's', maxItemEvents: -2 }), RangeError, /`options.maxItemEvents`.*got `-2` \(number\)/],
    ['unknown endWhen', () => traced({ name: 's', endWhen: 'later' as never }), TypeError, /`options.endWhen` to be 'closed' or 'stopped', got `"later"` \(string\)/],
    ['mapTraced: fn not a function', () => mapTraced('x' as never, { name: 'i' }), TypeError, /mapTraced: expected `fn` to be a function, got `"x"` \(string\)/],
    ['mapTraced: no name', () => mapTraced(fn, {} as never), TypeError, /mapTraced: expected `options.name`/],
    ['mapTraced: concurrency 0', () => mapTraced(fn, { name: 'i', concurrency: 0 }), RangeError, /`options.concurrency` to be a whole number from 1 up, or Infinity, got `0`/],
    ['mapTraced: concurrency 1.5', () => mapTraced(fn, { name: 'i', concurrency: 1.5 }), RangeError, /`options.concurrency`.*got `1.5` \(number\)/],
    ['mapTraced: concurrency string', () => mapTraced(fn, { name: 'i', concurrency: '2' as never }), TypeError, /`options.concurrency` to be a number, got `"2"` \(string\)/],
    ['bindContext: no context', () => bindContext(undefined as never), TypeError, /bindContext: expected `context` to be an OpenTelemetry Context, got `undefined`/],
    ['bindContext: null context', () => bindContext(null as never), TypeError, /bindContext: expected `context` to be an OpenTelemetry Context, got `null`/],
    ['bindContext: bad closeTimeout', () => bindContext(ROOT_CONTEXT, { closeTimeout: -5 }), RangeError, /bindContext: expected `options.closeTimeout`.*got `-5` \(number\)/],
    ['bindContext: bad signal', () => bindContext(ROOT_CONTEXT, { signal: 1 as never }), TypeError, /bindContext: expected `options.signal` to be an AbortSignal, got `1`/],
    ['tracedStream: not iterable', () => tracedStream([] as never, { name: 's' }), TypeError, /tracedStream: expected `stream` to be an async iterable object or a function \(signal\) => stream, got an array/],
    ['tracedStream: bad options', () => tracedStream((async function* () { yield 1; })(), { name: 1 as never }), TypeError, /traced: expected `options.name`/],
  ])('%s', (_label, call, type, message) => {
    expect(call).toThrow(type);
    expect(call).toThrow(message);
  });

  it('a bad source fails when the operator is applied, naming the source', () => {
    expect(() => traced({ name: 's' })(42 as never)).toThrow(/traced: expected `source` to be an async iterable.*got `42` \(number\)/);
    expect(() => mapTraced(fn, { name: 'i', concurrency: 2 })(null as never)).toThrow(/mapTraced: expected `source`/);
    expect(() => bindContext(ROOT_CONTEXT)({} as never)).toThrow(/bindContext: expected `source`/);
  });
});

describe('C10: the edges of each option are accepted, and they take effect', () => {
  const t = useTracing({ contextManager: false });

  it.each([SpanKind.INTERNAL, SpanKind.CONSUMER])('kind %i on the stream span and on item spans', async (kind) => {
    expect(await toArray(pipe([1], traced({ name: 'stream', kind }), mapTraced((x) => x, { name: 'item', kind })))).toEqual([1]);
    expect(t.span('stream').kind).toBe(kind);
    expect(t.span('item').kind).toBe(kind);
  });

  it.each(['closed', 'stopped'] as const)("endWhen '%s'", async (endWhen) => {
    expect(await toArray(pipe([1, 2], traced({ name: 'stream', endWhen })))).toEqual([1, 2]);
    expect(t.span('stream').attributes['iterscope.outcome']).toBe('completed');
  });
});
