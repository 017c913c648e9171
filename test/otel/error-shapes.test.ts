import { SpanStatusCode } from '@opentelemetry/api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pipe } from 'iterscope';
import { traced } from 'iterscope/otel';
import { installTracing, type Tracing } from './tracing.js';

// C9: anything can be thrown, and the span says what it was. The status message is the
// error's message (or the value as a string), the exception event carries what the
// exporter can show, and `error.type` is a low-cardinality class: a specific name, else
// the class name, else `_OTHER`; never a message, never empty, never a non-string.

class QuotaError extends Error {}

/** An error class that has no name of its own (an anonymous class expression). */
const AnonymousError = [class extends Error {}][0]!;

/** A class that is not an Error, thrown with a name that says nothing more than `Error`. */
class Failure {
  readonly name = 'Error';
  constructor(readonly message: string) {}
}

function withName(error: Error, name: unknown): Error {
  Object.defineProperty(error, 'name', { value: name });
  return error;
}

function nullPrototype(fields: Record<string, unknown>): object {
  return Object.assign(Object.create(null) as object, fields);
}

/** A source whose first next() rejects with `thrown`, whatever it is. */
function rejecting(thrown: unknown): AsyncIterable<never> {
  return {
    [Symbol.asyncIterator]: () => ({
      next: () => Promise.reject(thrown),
    }),
  };
}

interface Shape {
  label: string;
  thrown: unknown;
  /** `error.type` on the span. */
  type: string;
  /** The status message. */
  status: string;
  /** The exception event's `exception.message`: the value's message, or the value as a string. */
  exceptionMessage: unknown;
}

const shapes: Shape[] = [
  { label: 'a string', thrown: 'quota exceeded', type: '_OTHER', status: 'quota exceeded', exceptionMessage: 'quota exceeded' },
  { label: 'a number', thrown: 42, type: '_OTHER', status: '42', exceptionMessage: '42' },
  { label: 'null', thrown: null, type: '_OTHER', status: 'null', exceptionMessage: 'null' },
  { label: 'a plain object with a message', thrown: { message: 'bad gateway' }, type: '_OTHER', status: 'bad gateway', exceptionMessage: 'bad gateway' },
  { label: 'a plain object with a name only', thrown: { name: 'RateLimit' }, type: 'RateLimit', status: '[object Object]', exceptionMessage: undefined },
  { label: 'a plain object with neither', thrown: { status: 503 }, type: '_OTHER', status: '[object Object]', exceptionMessage: '[object Object]' },
  { label: 'a plain object named Error', thrown: { name: 'Error', message: 'm' }, type: 'Error', status: 'm', exceptionMessage: 'm' },
  { label: 'a plain object with an empty name', thrown: { name: '', message: 'm' }, type: '_OTHER', status: 'm', exceptionMessage: 'm' },
  { label: 'a plain object with a non-string name', thrown: { name: 7, message: 'm' }, type: '_OTHER', status: 'm', exceptionMessage: 'm' },
  { label: 'a plain object with a non-string message', thrown: { message: 7 }, type: '_OTHER', status: '[object Object]', exceptionMessage: 7 },
  { label: 'an object without a prototype', thrown: nullPrototype({ message: 'no proto' }), type: '_OTHER', status: 'no proto', exceptionMessage: 'no proto' },
  { label: 'a subclass named Error', thrown: new QuotaError('over'), type: 'QuotaError', status: 'over', exceptionMessage: 'over' },
  { label: 'a subclass with an empty name', thrown: withName(new QuotaError('over'), ''), type: 'QuotaError', status: 'over', exceptionMessage: 'over' },
  { label: 'an anonymous subclass', thrown: new AnonymousError('anon'), type: 'Error', status: 'anon', exceptionMessage: 'anon' },
  { label: 'a non-Error class named Error', thrown: new Failure('f'), type: 'Failure', status: 'f', exceptionMessage: 'f' },
  { label: 'an Error whose message is not a string', thrown: Object.assign(new Error(), { message: 7 }), type: 'Error', status: 'Error: 7', exceptionMessage: 7 },
  { label: 'a specific name', thrown: new DOMException('late', 'TimeoutError'), type: 'TimeoutError', status: 'late', exceptionMessage: 'late' },
];

describe('C9: the span of a stream that failed with any thrown value', () => {
  let t: Tracing;
  beforeEach(() => {
    t = installTracing({ contextManager: false });
  });
  afterEach(() => {
    t.uninstall();
  });

  it.each(shapes)('$label', async ({ thrown, type, status, exceptionMessage }) => {
    const iterator = pipe(rejecting(thrown), traced({ name: 'stream' }))[Symbol.asyncIterator]();
    await expect(iterator.next()).rejects.toBe(thrown);
    const span = t.span('stream');
    expect(span.attributes['iterscope.outcome']).toBe('error');
    expect(span.attributes['error.type']).toBe(type);
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: status });
    const events = span.events.filter((e) => e.name === 'exception');
    expect(events).toHaveLength(1);
    expect(events[0]!.attributes?.['exception.message']).toBe(exceptionMessage);
    expect(t.diagProblems).toEqual([]);
  });
});
