import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { abortable, defer, filter, flatMap, map, pipe, take, toArray, withCleanup, type Exit } from 'iterscope';
import { recordReports, settleAll, signalSource } from '../helpers/probe.js';

// C3: every source a stage opens that takes a signal gets one that aborts when the stage
// stops for any reason, so closing a pipeline cancels in-flight I/O.

let recorded: ReturnType<typeof recordReports>;
beforeEach(() => {
  recorded = recordReports();
});
afterEach(() => {
  recorded.stop();
});

/** A source made by `defer` that records the signal it got and yields 1, 2, 3. */
function recordingDefer(): { signals: AbortSignal[]; source: ReturnType<typeof defer<number>> } {
  const signals: AbortSignal[] = [];
  const source = defer((signal) => {
    signals.push(signal);
    return [1, 2, 3];
  });
  return { signals, source };
}

/**
 * An async generator stalled on an upstream that honours the signal, as an SDK stream or a
 * fetch body does: when the signal aborts, the await inside the generator rejects.
 */
async function* stalledUpstream(signal: AbortSignal, log: string[]): AsyncGenerator<number> {
  try {
    yield 1;
    await new Promise((_, reject) => {
      signal.addEventListener('abort', () => {
        reject(signal.reason as unknown);
      });
    });
  } finally {
    log.push('upstream closed');
  }
}

function watch(promise: Promise<unknown>): { state: string } {
  const seen = { state: 'pending' };
  promise.then(
    () => (seen.state = 'resolved'),
    () => (seen.state = 'rejected'),
  );
  return seen;
}

describe('C3 the close signal', () => {
  it('break aborts it with an AbortError naming the stage and the outcome', async () => {
    const { signals, source } = recordingDefer();
    for await (const _ of pipe(source, map((x: number) => x))) break;
    expect(signals).toHaveLength(1);
    expect(signals[0]?.aborted).toBe(true);
    expect(signals[0]?.reason).toBeInstanceOf(DOMException);
    expect(signals[0]?.reason).toMatchObject({ name: 'AbortError', message: 'iterscope: defer stopped (cancelled)' });
  });

  it('making its reason leaves Error.stackTraceLimit as it was (the reason itself has no frames, C7)', async () => {
    const limit = Error.stackTraceLimit;
    const { signals, source } = recordingDefer();
    for await (const _ of pipe(source, map((x: number) => x))) break;
    expect(signals[0]?.aborted).toBe(true);
    expect(Error.stackTraceLimit).toBe(limit);
    expect(new Error('after').stack?.split('\n').length).toBeGreaterThan(1);
  });

  it('take reaching its count aborts it', async () => {
    const { signals, source } = recordingDefer();
    expect(await toArray(pipe(source, take(1)))).toEqual([1]);
    expect(signals[0]?.aborted).toBe(true);
  });

  it('an error downstream aborts it', async () => {
    const { signals, source } = recordingDefer();
    const error = new Error('bad item');
    await expect(toArray(pipe(source, map(() => { throw error; })))).rejects.toBe(error);
    expect(signals[0]?.aborted).toBe(true);
  });

  it('the source finishing aborts it too: the stage is done with it', async () => {
    const { signals, source } = recordingDefer();
    expect(await toArray(source)).toEqual([1, 2, 3]);
    expect(signals[0]?.reason).toMatchObject({ message: 'iterscope: defer stopped (completed)' });
  });

  it('an abort aborts it with the exact reason', async () => {
    const { signals, source } = recordingDefer();
    const controller = new AbortController();
    const stream = pipe(source, filter(() => true), abortable(controller.signal));
    await stream.next();
    const reason = { why: 'client left' };
    controller.abort(reason);
    expect(signals[0]?.reason).toBe(reason);
    await expect(stream.next()).rejects.toBe(reason);
  });

  it('a stalled source that honours it is closed at once: withCleanup runs without waiting for the deadline', async () => {
    const log: string[] = [];
    const exits: Exit[] = [];
    const stream = pipe(
      defer((signal) => stalledUpstream(signal, log)),
      withCleanup((e) => exits.push(e), { closeTimeout: 60_000 }),
    );
    await stream.next();
    const pending = stream.next(); // parked inside the generator
    const closed = watch(stream.return());
    await settleAll();
    expect(closed.state).toBe('resolved');
    expect(await pending).toEqual({ done: true, value: undefined });
    expect(log).toEqual(['upstream closed']);
    expect(exits).toEqual([{ outcome: 'cancelled' }]);
    expect(recorded.reports).toEqual([]); // the rejection with the close reason is expected
  });

  it('flatMap inners that take a signal get the one of the flatMap stage', async () => {
    const inner = signalSource(2);
    expect(await toArray(pipe([1], flatMap(() => inner), take(1)))).toEqual([0]);
    expect(inner.signals[0]?.aborted).toBe(true);
  });

  it('no AbortController is made for sources that take no signal', async () => {
    const spy = vi.spyOn(globalThis, 'AbortController');
    try {
      async function* gen() {
        yield 1;
        yield 2;
      }
      expect(await toArray(pipe([1, 2, 3], map((x: number) => x * 2), take(2)))).toEqual([2, 4]);
      for await (const _ of pipe(gen(), filter(() => true))) break;
      expect(spy).not.toHaveBeenCalled();
    } finally {
      spy.mockRestore();
    }
  });
});

describe('the close signal names abortable', () => {
  it("abortable's stage says `abortable` in the close signal's reason", async () => {
    const source = signalSource(3);
    const stage = pipe(source, abortable(new AbortController().signal));
    await stage.next();
    await stage.return();
    expect((source.signals[0]?.reason as Error).message).toBe('iterscope: abortable stopped (cancelled)');
  });
});

describe('defer', () => {
  it('calls the factory on the first next(), not before', async () => {
    const factory = vi.fn(() => [1]);
    const stream = defer(factory);
    expect(factory).not.toHaveBeenCalled();
    expect(await stream.next()).toEqual({ done: false, value: 1 });
    expect(factory).toHaveBeenCalledTimes(1);
    await stream.return();
  });

  it('reads an iterable, an async iterable or a promise of one', async () => {
    async function* gen() {
      yield 'a';
    }
    expect(await toArray(defer(() => ['x', 'y']))).toEqual(['x', 'y']);
    expect(await toArray(defer(() => gen()))).toEqual(['a']);
    expect(await toArray(defer(async () => gen()))).toEqual(['a']);
    expect(await toArray(defer(() => Promise.resolve([1, 2])))).toEqual([1, 2]);
  });

  it('closes what a promise resolved to, and a factory that rejected has nothing to close', async () => {
    const log: string[] = [];
    const stream = defer(async (signal) => stalledUpstream(signal, log));
    expect(await stream.next()).toEqual({ done: false, value: 1 });
    await stream.return();
    expect(log).toEqual(['upstream closed']);
    const error = new Error('request failed');
    await expect(toArray(defer(() => Promise.reject(error)))).rejects.toBe(error);
  });

  it('C10: a factory that is not a function fails at the call; a non-iterable result fails the first next()', async () => {
    expect(() => defer(42 as never)).toThrow(new TypeError('defer: expected `factory` to be a function, got `42` (number).'));
    await expect(defer(() => 5 as never).next()).rejects.toThrow(/defer: what `factory` returned.*`5` \(number\)/);
  });
});
