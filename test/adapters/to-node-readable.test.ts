/**
 * toNodeReadable with real Node streams. Node-only by what it tests (`iterscope/node`
 * constructs a `node:stream` Readable); the runtime matrix runs test/core,
 * test/operators and test/terminals, not this folder.
 */
import { once } from 'node:events';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defer, map, pipe } from 'iterscope';
import { toNodeReadable } from 'iterscope/node';
import { badInputSuite, outcome } from '../helpers/contract.js';
import { probe, probeIterable, recordReports, ticks } from '../helpers/probe.js';

let recorded: ReturnType<typeof recordReports>;
beforeEach(() => {
  recorded = recordReports();
});
afterEach(() => {
  recorded.stop();
});

/** Let Node's stream machinery (process.nextTick, microtasks) run `n` event-loop turns. */
async function turns(n = 3): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/**
 * The error a stream was destroyed with, once it has emitted 'close'. Call it in the tick of
 * the destroy: 'error' and 'close' come at least a tick later (after the source's close).
 */
async function destroyError(readable: Readable): Promise<unknown> {
  const errors: unknown[] = [];
  readable.on('error', (error) => errors.push(error));
  // Not events.once: it rejects on 'error', which comes before 'close'.
  await new Promise((resolve) => readable.once('close', resolve));
  return errors[0];
}

/** An object-mode Writable that fails on the item `failAt`. */
function failingSink(failAt: number, error: Error): Writable {
  let index = 0;
  return new Writable({
    objectMode: true,
    write(_chunk, _encoding, callback) {
      callback(index++ === failAt ? error : null);
    },
  });
}

/**
 * An async iterable that takes a signal and parks after its first item until the signal
 * aborts, the way a fetch-backed source waits for the network.
 */
function parkedUntilAborted(log: string[]): AsyncIterable<number> {
  return {
    [Symbol.asyncIterator](signal?: AbortSignal) {
      async function* body(): AsyncGenerator<number> {
        try {
          yield 0;
          await new Promise<never>((_resolve, reject) => {
            signal?.addEventListener('abort', () => {
              reject(signal.reason as Error);
            });
          });
        } finally {
          log.push('closed');
        }
      }
      return body();
    },
  };
}

describe('toNodeReadable: reading', () => {
  it('streams every item in object mode', async () => {
    const readable = toNodeReadable(probe({ items: 3 }));
    expect(readable.readableObjectMode).toBe(true);
    expect(await readable.toArray()).toEqual([0, 1, 2]);
  });

  it('reads a stage, and closing the stream closes through it', async () => {
    const src = probe();
    const readable = toNodeReadable(pipe(src, map((x: number) => x * 10)));
    const [first] = (await once(readable, 'data')) as [number];
    expect(first).toBe(0);
    readable.destroy();
    await once(readable, 'close');
    expect(src.calls.return).toBe(1);
  });

  it('opens nothing until the stream is read', async () => {
    const iterable = probeIterable({ items: 3 });
    toNodeReadable(iterable);
    await turns();
    expect(iterable.opened).toHaveLength(0);
  });

  it('backpressure: a stream nobody reads holds highWaterMark items (default 1), not more', async () => {
    const src = probe();
    const readable = toNodeReadable(src);
    readable.read(0); // start reading, consume nothing
    await turns(5);
    expect(src.calls.next).toBe(1);
    expect(readable.readableLength).toBe(1);

    const src3 = probe();
    const readable3 = toNodeReadable(src3, { highWaterMark: 3 });
    readable3.read(0);
    await turns(5);
    expect(src3.calls.next).toBe(3);
    readable.destroy();
    readable3.destroy();
    await Promise.all([once(readable, 'close'), once(readable3, 'close')]);
  });

  it('backpressure: in a pipeline to a slow writer, reads follow the writes', async () => {
    const src = probe();
    const pendingWrites: (() => void)[] = [];
    const sink = new Writable({
      objectMode: true,
      highWaterMark: 1,
      write(_chunk, _encoding, callback) {
        pendingWrites.push(() => {
          callback();
        });
      },
    });
    const done = outcome(pipeline(toNodeReadable(src), sink));
    await turns(5);
    // One item in the writer, one in its buffer, one in the Readable's, one being read.
    const stalled = src.calls.next;
    expect(stalled).toBeLessThanOrEqual(4);
    await turns(5);
    expect(src.calls.next).toBe(stalled); // nothing more is read while the writer is stuck
    pendingWrites.shift()?.();
    await turns(5);
    expect(src.calls.next).toBe(stalled + 1); // one write freed room for one read
    sink.destroy(new Error('stop'));
    expect((await done).ok).toBe(false);
    expect(src.calls.return).toBe(1);
  });

  it('a byte stream takes strings and Uint8Arrays', async () => {
    const readable = toNodeReadable(['ab', new Uint8Array([99, 100])], { objectMode: false });
    expect(readable.readableObjectMode).toBe(false);
    const chunks = (await readable.toArray()) as Buffer[];
    expect(Buffer.concat(chunks).toString()).toBe('abcd');
  });

  it('a byte stream given an item that is not bytes is destroyed with Node\'s error, and the source closed', async () => {
    const src = probe();
    const readable = toNodeReadable(src, { objectMode: false });
    readable.resume();
    const error = await destroyError(readable);
    expect((error as { code?: string }).code).toBe('ERR_INVALID_ARG_TYPE');
    expect(src.calls.return).toBe(1);
  });

  it('a null item destroys the stream with a TypeError (push(null) would end it) and closes the source', async () => {
    let closed = 0;
    const source = {
      [Symbol.asyncIterator]: () => ({
        next: () => Promise.resolve({ done: false, value: null }),
        return: () => {
          closed++;
          return Promise.resolve({ done: true as const, value: undefined });
        },
      }),
    };
    const readable = toNodeReadable(source);
    readable.resume();
    const error = await destroyError(readable);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toBe('toNodeReadable: the source yielded `null`, which a Readable cannot carry (push(null) ends the stream).');
    expect(closed).toBe(1);
  });
});

describe('toNodeReadable: closing (C1, C2)', () => {
  it('C1: a writer failing in stream.pipeline closes the source once; the pipeline fails with its error', async () => {
    const src = probe({ returnTicks: 3 });
    const error = new Error('disk full');
    const readable = toNodeReadable(src);
    const closed = new Promise((resolve) => readable.once('close', resolve));
    expect(await outcome(pipeline(readable, failingSink(2, error)))).toEqual({ ok: false, value: error });
    await closed;
    expect(src.calls.return).toBe(1);
    // C4: 'close' comes after the source finished closing.
    expect(src.log.at(-1)).toBe('src:return:end');
    expect(recorded.reports).toEqual([]);
  });

  it('C1: a source that ended is not closed', async () => {
    const src = probe({ items: 2 });
    const sink = new Writable({ objectMode: true, write: (_c, _e, cb) => { cb(); } });
    await pipeline(toNodeReadable(src), sink);
    expect(src.calls.return).toBe(0);
  });

  it('C1: destroy() before the first read closes an iterator it was handed', async () => {
    const src = probe();
    const readable = toNodeReadable(src);
    readable.destroy();
    await once(readable, 'close');
    expect(src.calls).toEqual({ next: 0, return: 1, throw: 0 });
  });

  it('C2: destroy() while a read is parked closes the source at once', async () => {
    const src = probe({ parkAt: 1 });
    const readable = toNodeReadable(src);
    expect(await once(readable, 'data')).toEqual([0]);
    await turns();
    expect(src.calls.next).toBe(2); // the second read is parked
    readable.destroy();
    await once(readable, 'close');
    expect(src.calls.return).toBe(1);
    expect(readable.destroyed).toBe(true);
  });

  it('C2/C3: destroyed while parked on a source that takes a signal, it closes; Readable.from waits behind the parked read', async () => {
    const ours: string[] = [];
    const readable = toNodeReadable(parkedUntilAborted(ours));
    expect(await once(readable, 'data')).toEqual([0]);
    await turns();
    readable.destroy();
    await once(readable, 'close');
    expect(ours).toEqual(['closed']);

    // Node's own adapter: the generator's return() queues behind its pending next(), and
    // the source was never handed a signal, so destroy() never gets to 'close'.
    const theirs: string[] = [];
    const nodes = Readable.from(parkedUntilAborted(theirs));
    expect(await once(nodes, 'data')).toEqual([0]);
    await turns();
    let closed = false;
    nodes.on('close', () => {
      closed = true;
    });
    nodes.destroy();
    await turns(20);
    expect(closed).toBe(false);
    expect(theirs).toEqual([]);
  });

  it('C3: a source that takes a signal gets one that aborts when the stream is destroyed', async () => {
    const iterable = probeIterable();
    const readable = toNodeReadable(iterable);
    await once(readable, 'data');
    readable.destroy();
    await once(readable, 'close');
    const signal = iterable.opened[0]?.signal;
    expect(signal?.aborted).toBe(true);
    expect(String(signal?.reason)).toBe('AbortError: iterscope: toNodeReadable stopped (cancelled)');
  });
});

describe('toNodeReadable: errors and abort (C3, C5)', () => {
  it('a source error destroys the stream with that error', async () => {
    const error = new Error('source failed');
    const src = probe({ throwAt: 1, error });
    expect(await outcome(toNodeReadable(src).toArray())).toEqual({ ok: false, value: error });
    expect(src.calls.return).toBe(0); // C1: a source whose next() rejected is finished
  });

  it('C3: options.signal destroys the stream with the reason itself while a read is parked, and closes the source', async () => {
    const controller = new AbortController();
    const src = probe({ parkAt: 1 });
    const readable = toNodeReadable(src, { signal: controller.signal });
    await once(readable, 'data');
    const reason = new Error('client went away');
    controller.abort(reason);
    expect(await destroyError(readable)).toBe(reason);
    expect(src.calls.return).toBe(1);
    expect(recorded.reports).toEqual([]);
  });

  it('C3: options.signal destroys a stream that has no read pending (its buffer full)', async () => {
    const controller = new AbortController();
    const src = probe();
    const readable = toNodeReadable(src, { signal: controller.signal });
    readable.read(0);
    await turns(5);
    expect(readable.readableLength).toBe(1); // full: the stream is not reading
    const reason = new Error('cancelled');
    controller.abort(reason);
    expect(await destroyError(readable)).toBe(reason);
    expect(src.calls.return).toBe(1);
  });

  it('C3: an already-aborted signal destroys the stream without opening the source', async () => {
    const reason = new Error('too late');
    const iterable = probeIterable();
    const readable = toNodeReadable(iterable, { signal: AbortSignal.abort(reason) });
    expect(await destroyError(readable)).toBe(reason);
    expect(iterable.opened).toHaveLength(0);
  });

  it('C5: a close error is the destroy error, and is reported too', async () => {
    const closeError = new Error('close failed');
    const readable = toNodeReadable(probe({ returnError: closeError }));
    await once(readable, 'data');
    readable.destroy();
    expect(await destroyError(readable)).toBe(closeError);
    expect(recorded.reports).toEqual([{ type: 'cleanup-error', stage: 'toNodeReadable', error: closeError }]);
  });

  it('C5: a close error rides on the error the stream was destroyed with, as a SuppressedError', async () => {
    const closeError = new Error('close failed');
    const cause = new Error('downstream failed');
    const readable = toNodeReadable(probe({ returnError: closeError }));
    await once(readable, 'data');
    readable.destroy(cause);
    const error = (await destroyError(readable)) as { name: string; error: unknown; suppressed: unknown };
    expect(error.name).toBe('SuppressedError');
    expect(error.error).toBe(closeError);
    expect(error.suppressed).toBe(cause);
  });

  it('C5: in stream.pipeline, which keeps only its first error, a close error is reported, not lost', async () => {
    const closeError = new Error('close failed');
    const writeError = new Error('disk full');
    const readable = toNodeReadable(probe({ returnError: closeError }));
    const closed = new Promise((resolve) => readable.once('close', resolve));
    const result = await outcome(pipeline(readable, failingSink(1, writeError)));
    expect(result).toEqual({ ok: false, value: writeError });
    // Node's pipeline settles when a stream fails, without waiting for the others to close.
    await closed;
    expect(recorded.reports).toEqual([{ type: 'cleanup-error', stage: 'toNodeReadable', error: closeError }]);
  });

  it('C5: a source error on its way when the stream is destroyed is reported, at every interleaving', async () => {
    for (let k = 0; k < 12; k++) {
      const error = new Error(`failed, destroyed after ${String(k)} ticks`);
      // Its next() is rejected when called: the error is on its way from the first tick.
      const failing: AsyncIterableIterator<number> = {
        next: () => Promise.reject(error),
        [Symbol.asyncIterator]() {
          return this;
        },
      };
      const readable = toNodeReadable(failing);
      const emitted: unknown[] = [];
      readable.on('error', (e) => emitted.push(e));
      // Registered now: `closed` turns true a tick before 'error' and 'close' are emitted.
      const closeEmitted = new Promise((resolve) => readable.once('close', resolve));
      readable.read(0);
      await ticks(k);
      readable.destroy();
      await closeEmitted;
      const reported = recorded.reports.some((r) => r.type === 'late-error' && r.error === error);
      expect({ k, delivered: emitted.includes(error) || reported }).toEqual({ k, delivered: true });
    }
  });

  it('C2: a source still closing at the deadline is reported, and the stream closes', async () => {
    const src = probe({ returnParks: true });
    const readable = toNodeReadable(src, { closeTimeout: 0 });
    await once(readable, 'data');
    readable.destroy();
    await once(readable, 'close');
    expect(recorded.reports.map((r) => r.type)).toEqual(['straggler']);
  });

  it('C3: defer hands its opener the signal of the stream', async () => {
    const signals: AbortSignal[] = [];
    const readable = toNodeReadable(
      defer((signal) => {
        signals.push(signal);
        return probe();
      }),
    );
    await once(readable, 'data');
    readable.destroy();
    await once(readable, 'close');
    expect(signals[0]?.aborted).toBe(true);
  });
});

describe('toNodeReadable: abandonment (C7)', () => {
  const gc = (globalThis as { gc?: () => void }).gc;

  async function collectUntil(done: () => boolean): Promise<void> {
    for (let i = 0; i < 30 && !done(); i++) {
      gc?.();
      await turns(1);
    }
  }

  // Built and dropped in a function of its own, so no local of the test keeps it reachable.
  async function abandon(log: string[], signal: AbortSignal): Promise<void> {
    async function* rows(): AsyncGenerator<number> {
      try {
        yield 1;
        yield 2;
      } finally {
        log.push('rows closed');
      }
    }
    const readable = toNodeReadable(rows(), { signal });
    readable.read(0); // one item read into the buffer, then the stream is dropped
    await turns();
  }

  it('a Readable dropped unfinished is collected even while its signal lives on: reported, and its source closed', async () => {
    expect(typeof gc).toBe('function');
    const log: string[] = [];
    const controller = new AbortController(); // outlives the stream
    await abandon(log, controller.signal);
    const abandoned = (): unknown[] => recorded.reports.filter((r) => r.type === 'abandoned');
    await collectUntil(() => abandoned().length > 0 && log.length > 0);
    expect(abandoned()).toEqual([{ type: 'abandoned', stage: 'toNodeReadable', createdAt: undefined }]);
    expect(log).toEqual(['rows closed']);
    controller.abort(); // nothing left to destroy
  });
});

badInputSuite('toNodeReadable', [
  ['not a source', () => toNodeReadable(1 as never), TypeError, /^toNodeReadable: expected `source` to be an async iterable, an async iterator or an iterable, got `1` \(number\)\.$/],
  ['options not an object', () => toNodeReadable([], 5 as never), TypeError, /^toNodeReadable: expected `options` to be an object or undefined, got `5` \(number\)\.$/],
  ['a bad signal', () => toNodeReadable([], { signal: 'x' as never }), TypeError, /^toNodeReadable: expected `options.signal` to be an AbortSignal, got `"x"` \(string\)\.$/],
  ['a negative closeTimeout', () => toNodeReadable([], { closeTimeout: -1 }), RangeError, /^toNodeReadable: expected `options.closeTimeout` to be a number of milliseconds from 0 up, or Infinity, got `-1` \(number\)\.$/],
  ['objectMode not a boolean', () => toNodeReadable([], { objectMode: 'yes' as never }), TypeError, /^toNodeReadable: expected `options.objectMode` to be a boolean, got `"yes"` \(string\)\.$/],
  ['highWaterMark not a number', () => toNodeReadable([], { highWaterMark: '1' as never }), TypeError, /^toNodeReadable: expected `options.highWaterMark` to be a number, got `"1"` \(string\)\.$/],
  ['highWaterMark negative', () => toNodeReadable([], { highWaterMark: -1 }), RangeError, /^toNodeReadable: expected `options.highWaterMark` to be a whole number from 0 up, got `-1` \(number\)\.$/],
  ['highWaterMark Infinity', () => toNodeReadable([], { highWaterMark: Infinity }), RangeError, /^toNodeReadable: expected `options.highWaterMark` to be a whole number from 0 up, got `Infinity` \(number\)\.$/],
  ['a misspelt option', () => toNodeReadable([], { highwatermark: 1 } as never), TypeError, /^toNodeReadable: unknown option `"highwatermark"` \(string\); expected one of `signal`, `closeTimeout`, `objectMode`, `highWaterMark`\.$/],
]);
