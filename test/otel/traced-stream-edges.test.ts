import { SpanStatusCode } from '@opentelemetry/api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pipe } from 'iterscope';
import { traced, tracedStream } from 'iterscope/otel';
import { installTracing, source, ticks, type Tracing, useTracing } from './tracing.js';

// tracedStream on the paths an SDK object can take: the object stays the SDK's (nothing
// enumerable added, still open to a second instrumentation), the request is stopped with a
// reason that says why, and the lazy form closes what it opened and nothing else, without
// a close error on the span (C3, C5, C9).

/** A stand-in for an SDK stream: a controller, a method, and an iterator that notes its close. */
class SdkStream {
  readonly controller = new AbortController();
  readonly model = 'm-1';
  closed = false;
  constructor(private readonly count: number) {}
  async *[Symbol.asyncIterator](): AsyncGenerator<number> {
    try {
      for (let i = 0; i < this.count; i++) yield i;
    } finally {
      this.closed = true;
    }
  }
}

async function drain<T>(stream: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of stream) out.push(x);
  return out;
}

describe('tracedStream: the SDK object and its request', () => {
  let t: Tracing;
  beforeEach(() => {
    t = installTracing({ contextManager: false });
  });
  afterEach(() => {
    expect(t.diagProblems).toEqual([]);
    expect(t.reports).toEqual([]);
    t.uninstall();
  });
  const events = (name: string) => t.span(name).events.map((e) => e.name);

  it('null: a TypeError naming the argument', () => {
    expect(() => tracedStream(null as never, { name: 's' })).toThrow(
      /tracedStream: expected `stream` to be an async iterable object or a function \(signal\) => stream, got `null`/,
    );
  });

  it('adds nothing enumerable: a copy of the object is what it was', () => {
    const stream = new SdkStream(1);
    // What a spread, Object.assign or a structured copy of the object would carry.
    const enumerable = () => Reflect.ownKeys(stream).filter((key) => Object.prototype.propertyIsEnumerable.call(stream, key));
    const before = enumerable();
    tracedStream(stream, { name: 's' });
    expect(enumerable()).toEqual(before);
  });

  it('a second instrumentation can trace the traced object again, replace its iterator, or remove it', async () => {
    const stream = tracedStream(tracedStream(new SdkStream(2), { name: 'inner' }), { name: 'outer' });
    expect(await drain(stream)).toEqual([0, 1]);
    expect(t.span('inner').attributes['iterscope.items']).toBe(2);
    expect(t.span('outer').attributes['iterscope.items']).toBe(2);

    const other = tracedStream(new SdkStream(2), { name: 'assigned' });
    const tracedIterator = other[Symbol.asyncIterator];
    let opened = 0;
    other[Symbol.asyncIterator] = function (this: SdkStream) {
      opened++;
      return tracedIterator.call(this);
    };
    expect(await drain(other)).toEqual([0, 1]);
    expect(opened).toBe(1);
    expect(t.span('assigned').attributes['iterscope.outcome']).toBe('completed');

    const removed = tracedStream(new SdkStream(2), { name: 'removed' });
    const tracedStage = removed[Symbol.asyncIterator]();
    expect(Reflect.deleteProperty(removed, Symbol.asyncIterator)).toBe(true);
    expect(await drain(removed)).toEqual([0, 1]); // the SDK's own iterator again
    await tracedStage.return(undefined);
    expect(t.span('removed').attributes['iterscope.items']).toBe(0);
  });

  it("break: the SDK's controller is aborted with an AbortError that says why", async () => {
    const stream = tracedStream(new SdkStream(3), { name: 's' });
    for await (const _ of stream) break;
    const reason = stream.controller.signal.reason as DOMException;
    expect(reason).toBeInstanceOf(DOMException);
    expect([reason.name, reason.message]).toEqual(['AbortError', 'iterscope: tracedStream stopped (cancelled)']);
    expect(stream.closed).toBe(true);
  });

  describe('the lazy form', () => {
    it('closed before the first read: never opened, cancelled, no close error', async () => {
      let opened = 0;
      const stream = tracedStream(() => {
        opened++;
        return new SdkStream(1);
      }, { name: 's' });
      await expect(stream.return()).resolves.toEqual({ done: true, value: undefined });
      expect(opened).toBe(0);
      expect(t.span('s').attributes['iterscope.outcome']).toBe('cancelled');
      expect(events('s')).toEqual([]);
    });

    it('break: the opened iterator is closed, the signal says why', async () => {
      let sdk: SdkStream | undefined;
      let signal: AbortSignal | undefined;
      const stream = tracedStream((s: AbortSignal) => {
        signal = s;
        sdk = new SdkStream(3);
        return sdk;
      }, { name: 's' });
      for await (const _ of stream) break;
      expect(sdk?.closed).toBe(true);
      const reason = signal?.reason as DOMException;
      expect([reason.name, reason.message]).toEqual(['AbortError', 'iterscope: tracedStream stopped (cancelled)']);
      expect(t.span('s').attributes['iterscope.outcome']).toBe('cancelled');
      expect(events('s')).not.toContain('iterscope.close_error');
    });

    it('an iterator without return(): break needs no close, and leaves no close error', async () => {
      let reads = 0;
      const bare: AsyncIterable<number> = {
        [Symbol.asyncIterator]: () => ({ next: () => Promise.resolve({ done: false, value: reads++ }) }),
      };
      for await (const _ of tracedStream(() => bare, { name: 's' })) break;
      expect(reads).toBe(1);
      expect(t.span('s').attributes['iterscope.outcome']).toBe('cancelled');
      expect(events('s')).not.toContain('iterscope.close_error');
    });

    it('stopped while still opening: the failed opening leaves nothing to close, and no close error', async () => {
      const stream = tracedStream(
        (s: AbortSignal) => new Promise<AsyncIterable<number>>((_resolve, reject) => {
          s.addEventListener('abort', () => {
            reject(s.reason as Error);
          });
        }),
        { name: 's' },
      );
      const pending = stream.next();
      await ticks(5);
      await expect(stream.return()).resolves.toEqual({ done: true, value: undefined });
      await expect(pending).resolves.toEqual({ done: true, value: undefined });
      await ticks(10);
      expect(t.span('s').attributes['iterscope.outcome']).toBe('cancelled');
      expect(events('s')).toEqual([]);
    });

    it('open(signal) resolving to null: a TypeError naming it', async () => {
      const stream = tracedStream(() => Promise.resolve(null as never), { name: 's' });
      await expect(stream.next()).rejects.toThrow(/tracedStream: `open\(signal\)` must return an async iterable, got `null`/);
      expect(t.span('s').status.code).toBe(SpanStatusCode.ERROR);
    });
  });
});

describe('traced: a consumer that throws an abort into the stream', () => {
  const t = useTracing({ contextManager: false });

  it('throw(AbortError): the span says aborted, not ERROR (C3/C9)', async () => {
    const abortError = new DOMException('the caller gave up', 'AbortError');
    const stage = pipe(source(), traced({ name: 'stream' }));
    await stage.next();
    await expect(stage.throw(abortError)).rejects.toBe(abortError);
    const span = t.span('stream');
    expect(span.attributes['iterscope.outcome']).toBe('aborted');
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
    expect(span.attributes['error.type']).toBeUndefined();
  });

  it("throw(reason) from a listener of the stream's own signal, before the stream heard the abort: aborted with that reason", async () => {
    const controller = new AbortController();
    const reason = new Error('user left');
    const thrown: Promise<unknown>[] = [];
    const streams: AsyncIterator<number>[] = [];
    // Registered before the stream exists, so it runs before the stream's own listener.
    controller.signal.addEventListener('abort', () => {
      thrown.push(streams[0]!.throw!(controller.signal.reason).catch((error: unknown) => error));
    });
    const stage = pipe(source(), traced({ name: 'stream', signal: controller.signal }));
    streams.push(stage);
    await stage.next();
    controller.abort(reason);
    expect(await thrown[0]).toBe(reason);
    const span = t.span('stream');
    expect(span.attributes['iterscope.outcome']).toBe('aborted');
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
  });
});
