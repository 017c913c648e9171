import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fromNodeReadable, fromReadableStream, pipe, take, toArray, toReadableStream } from 'iterscope';
import { badInputSuite, outcome, watch } from '../helpers/contract.js';
import { probe, recordReports, settleAll, ticks } from '../helpers/probe.js';

let recorded: ReturnType<typeof recordReports>;
beforeEach(() => {
  recorded = recordReports();
});
afterEach(() => {
  recorded.stop();
});

/** A Readable's read() that produces nothing until pushed to. */
const idle = (): void => undefined;

function webStream(items: number[], log: string[], opts: { park?: boolean; reasons?: unknown[] } = {}): ReadableStream<number> {
  let i = 0;
  return new ReadableStream<number>(
    {
      pull(controller) {
        if (opts.park === true && i === items.length) return new Promise<void>(() => undefined);
        const item = items[i++];
        if (item === undefined) controller.close();
        else controller.enqueue(item);
        return undefined;
      },
      cancel(reason) {
        log.push(`cancel:${String(reason)}`);
        opts.reasons?.push(reason);
      },
    },
    { highWaterMark: 0 },
  );
}

describe('fromReadableStream', () => {
  it('reads every chunk and releases the lock at the end, without cancelling', async () => {
    const log: string[] = [];
    const stream = webStream([1, 2, 3], log);
    expect(await toArray(fromReadableStream(stream))).toEqual([1, 2, 3]);
    expect(stream.locked).toBe(false);
    expect(log).toEqual([]);
  });

  it('C1: break cancels the stream once and releases the lock', async () => {
    const log: string[] = [];
    const stream = webStream([1, 2, 3], log);
    expect(await toArray(pipe(fromReadableStream(stream), take(1)))).toEqual([1]);
    // C3: the cancel says why: the stage stopped because the consumer stopped reading.
    expect(log).toEqual(['cancel:AbortError: iterscope: fromReadableStream stopped (cancelled)']);
    expect(stream.locked).toBe(false);
  });

  it('C1: closing before the first read cancels the stream (it is owned from the call)', async () => {
    const log: string[] = [];
    const stream = webStream([1], log);
    const stage = fromReadableStream(stream);
    expect(stream.locked).toBe(true);
    await stage.return();
    expect(log).toEqual(['cancel:AbortError: iterscope: fromReadableStream stopped (cancelled)']);
    expect(stream.locked).toBe(false);
  });

  it('C2: return() while a read is pending settles it at once and cancels', async () => {
    const log: string[] = [];
    const stage = fromReadableStream(webStream([], log, { park: true }));
    const pending = watch(stage.next());
    await ticks(5);
    expect(pending.settled).toBe(false);
    const closing = stage.return();
    await ticks(2);
    expect(pending.settled).toBe(true);
    await closing;
    expect(log).toEqual(['cancel:AbortError: iterscope: fromReadableStream stopped (cancelled)']);
  });

  it('C3: abort rejects with the reason itself and cancels the stream with that reason', async () => {
    const log: string[] = [];
    const controller = new AbortController();
    const reasons: unknown[] = [];
    const stage = fromReadableStream(webStream([], log, { park: true, reasons }), { signal: controller.signal });
    const pending = outcome(stage.next());
    const reason = new Error('abort');
    controller.abort(reason);
    expect(await pending).toEqual({ ok: false, value: reason });
    await ticks(10);
    expect(log).toEqual(['cancel:Error: abort']);
    expect(reasons[0]).toBe(reason); // that exact object
  });

  it('C5: a cancel that fails rejects return() with its error, and the lock is released', async () => {
    const cancelError = new Error('cancel failed');
    const stream = new ReadableStream<number>(
      {
        cancel() {
          throw cancelError;
        },
      },
      { highWaterMark: 0 },
    );
    const stage = fromReadableStream(stream);
    expect(await outcome(stage.return())).toEqual({ ok: false, value: cancelError });
    expect(stream.locked).toBe(false);
    expect(recorded.reports).toEqual([{ type: 'cleanup-error', stage: 'fromReadableStream', error: cancelError }]);
  });

  it('a stream error rejects the read; the stream is not cancelled', async () => {
    const error = new Error('stream failed');
    const log: string[] = [];
    const stream = new ReadableStream<number>({
      pull(controller) {
        controller.error(error);
      },
      cancel() {
        log.push('cancel');
      },
    });
    expect(await outcome(toArray(fromReadableStream(stream)))).toEqual({ ok: false, value: error });
    expect(log).toEqual([]);
  });
});

describe('toReadableStream', () => {
  it('streams every item, reading only on demand', async () => {
    const src = probe({ items: 3 });
    const stream = toReadableStream(src);
    await ticks(5);
    expect(src.calls.next).toBe(0);
    const out: number[] = [];
    const reader = stream.getReader();
    for (let r = await reader.read(); !r.done; r = await reader.read()) out.push(r.value);
    expect(out).toEqual([0, 1, 2]);
  });

  it('C1: cancelling the stream closes the source exactly once, and waits for it', async () => {
    const src = probe({ returnTicks: 4 });
    const reader = toReadableStream(src).getReader();
    expect(await reader.read()).toEqual({ done: false, value: 0 });
    await reader.cancel();
    expect(src.calls.return).toBe(1);
    expect(src.log.at(-1)).toBe('src:return:end');
  });

  it('C2: cancelling while a read is pending on a parked source settles the read', async () => {
    const src = probe({ parkAt: 0 });
    const reader = toReadableStream(src).getReader();
    const pending = watch(reader.read());
    await ticks(5);
    await reader.cancel();
    await ticks(2);
    expect(pending.settled).toBe(true);
    expect(src.calls.return).toBe(1);
  });

  it('C5: a close error rejects the cancel', async () => {
    const closeError = new Error('close');
    const reader = toReadableStream(probe({ returnError: closeError })).getReader();
    await reader.read();
    expect(await outcome(reader.cancel())).toEqual({ ok: false, value: closeError });
  });

  it('a source error errors the stream', async () => {
    const error = new Error('source');
    const reader = toReadableStream(probe({ throwAt: 0, error })).getReader();
    expect(await outcome(reader.read())).toEqual({ ok: false, value: error });
  });

  it('C3: abort errors the stream with the reason itself', async () => {
    const controller = new AbortController();
    const src = probe({ parkAt: 0 });
    const reader = toReadableStream(src, { signal: controller.signal }).getReader();
    const pending = outcome(reader.read());
    const reason = new Error('abort');
    controller.abort(reason);
    expect(await pending).toEqual({ ok: false, value: reason });
    await ticks(5);
    expect(src.calls.return).toBe(1);
  });
});

describe('fromNodeReadable', () => {
  it('reads an object-mode stream to the end', async () => {
    expect(await toArray(fromNodeReadable(Readable.from(['a', 'b', 'c'])))).toEqual(['a', 'b', 'c']);
  });

  it('C1: break destroys the stream', async () => {
    const readable = Readable.from(['a', 'b', 'c']);
    expect(await toArray(pipe(fromNodeReadable<string>(readable), take(1)))).toEqual(['a']);
    expect(readable.destroyed).toBe(true);
  });

  it('C1: closing before the first read destroys the stream', async () => {
    const readable = Readable.from(['a']);
    await fromNodeReadable(readable).return();
    expect(readable.destroyed).toBe(true);
  });

  it('C2: return() while the stream is idle settles the pending read at once', async () => {
    const readable = new Readable({ objectMode: true, read: idle });
    const stage = fromNodeReadable(readable);
    const pending = watch(stage.next());
    await ticks(5);
    expect(pending.settled).toBe(false);
    const closing = stage.return();
    await ticks(2);
    expect(pending.settled).toBe(true);
    await closing;
    expect(readable.destroyed).toBe(true);
  });

  it('C4: return() resolves once the stream has closed (its _destroy finished), not when destroy() is called', async () => {
    const log: string[] = [];
    let finishDestroy: (() => void) | undefined;
    const readable = new Readable({
      objectMode: true,
      read: idle,
      destroy(_error, callback) {
        log.push('destroy');
        finishDestroy = () => {
          log.push('destroyed');
          callback(null);
        };
      },
    });
    const stage = fromNodeReadable(readable);
    const pending = watch(stage.next());
    const closingPromise = stage.return();
    const closing = watch(closingPromise);
    await ticks(5);
    expect(pending.settled).toBe(true); // C2: the read is answered at once
    expect(closing.settled).toBe(false); // the close is not over yet
    finishDestroy?.();
    await closingPromise;
    expect(log).toEqual(['destroy', 'destroyed']);
  });

  it('C5: an error from closing the stream rejects return() (reported too), not a late error', async () => {
    const closeError = new Error('close failed');
    const readable = new Readable({
      objectMode: true,
      read: idle,
      destroy(_error, callback) {
        callback(closeError);
      },
    });
    const stage = fromNodeReadable(readable);
    expect(await outcome(stage.return())).toEqual({ ok: false, value: closeError });
    expect(recorded.reports).toEqual([{ type: 'cleanup-error', stage: 'fromNodeReadable', error: closeError }]);
  });

  it('reads nothing from the stream before the first next() (listening to it would start it)', async () => {
    let reads = 0;
    const readable = new Readable({
      objectMode: true,
      read() {
        reads++;
        this.push(reads);
      },
    });
    const stage = fromNodeReadable(readable);
    await new Promise((resolve) => setImmediate(resolve));
    expect(reads).toBe(0);
    expect(await stage.next()).toEqual({ done: false, value: 1 });
    await stage.return();
  });

  it('C5: a stream error nobody read is reported when the stage is closed, not lost', async () => {
    const error = new Error('stream failed');
    const readable = new Readable({ objectMode: true, read: idle });
    const stage = fromNodeReadable(readable);
    readable.destroy(error);
    await new Promise((resolve) => readable.once('close', resolve));
    await stage.return();
    expect(recorded.reports).toEqual([{ type: 'late-error', stage: 'fromNodeReadable', error }]);
  });

  it('return() on a stream made with emitClose: false does not wait for a close that never comes', async () => {
    const readable = new Readable({ objectMode: true, read: idle, emitClose: false });
    const stage = fromNodeReadable(readable);
    const closing = watch(stage.return());
    await new Promise((resolve) => setImmediate(resolve));
    expect(closing.settled).toBe(true);
    expect(readable.destroyed).toBe(true);
    expect(recorded.reports).toEqual([]);
  });

  it('return() on a stream destroyed and closed by someone else resolves at once', async () => {
    const readable = new Readable({ objectMode: true, read: idle });
    const stage = fromNodeReadable(readable);
    readable.destroy();
    await new Promise((resolve) => readable.once('close', resolve));
    expect(await stage.return()).toEqual({ done: true, value: undefined });
  });

  it('a stream error rejects the pending read', async () => {
    const error = new Error('stream failed');
    const readable = new Readable({ objectMode: true, read: idle });
    const stage = fromNodeReadable(readable);
    const pending = outcome(stage.next());
    readable.destroy(error);
    expect(await pending).toEqual({ ok: false, value: error });
  });

  it('a stream destroyed by someone else before it ended rejects with ERR_STREAM_PREMATURE_CLOSE', async () => {
    const readable = new Readable({ objectMode: true, read: idle });
    const stage = fromNodeReadable(readable);
    const pending = outcome(stage.next());
    readable.destroy();
    const result = await pending;
    expect((result.value as { code?: string }).code).toBe('ERR_STREAM_PREMATURE_CLOSE');
  });

  it('reads byte chunks from a non-object stream', async () => {
    const chunks = await toArray(fromNodeReadable<Buffer>(Readable.from([Buffer.from('ab'), Buffer.from('cd')], { objectMode: false })));
    expect(Buffer.concat(chunks).toString()).toBe('abcd');
  });
});

badInputSuite('adapters', [
  ['fromReadableStream: not a stream', () => fromReadableStream({} as never), TypeError, /fromReadableStream: expected `stream` to be a ReadableStream, got an object/],
  [
    'fromReadableStream: locked',
    () => {
      const s = new ReadableStream();
      s.getReader();
      return fromReadableStream(s);
    },
    TypeError,
    /fromReadableStream: expected `stream` to be unlocked/,
  ],
  ['fromReadableStream: null', () => fromReadableStream(null as never), TypeError, /^fromReadableStream: expected `stream` to be a ReadableStream, got `null`/],
  ['fromReadableStream: a number', () => fromReadableStream(5 as never), TypeError, /^fromReadableStream: expected `stream` to be a ReadableStream/],
  ['fromReadableStream: getReader not a function', () => fromReadableStream({ getReader: 1 } as never), TypeError, /^fromReadableStream: expected `stream` to be a ReadableStream/],
  ['fromReadableStream: a function with getReader', () => fromReadableStream(Object.assign(() => undefined, { getReader: idle }) as never), TypeError, /^fromReadableStream: expected `stream` to be a ReadableStream, got a function/],
  ['toReadableStream: source not iterable', () => toReadableStream(1 as never), TypeError, /toReadableStream: expected `source`.*`1`/],
  ['fromNodeReadable: not a Readable', () => fromNodeReadable([] as never), TypeError, /fromNodeReadable: expected `readable` to be a Node Readable stream, got an array/],
  ['fromNodeReadable: null', () => fromNodeReadable(null as never), TypeError, /^fromNodeReadable: expected `readable` to be a Node Readable stream, got `null`/],
  ['fromNodeReadable: a function', () => fromNodeReadable((() => undefined) as never), TypeError, /^fromNodeReadable: expected `readable`/],
  ['fromNodeReadable: no on()', () => fromNodeReadable({ read: idle, destroy: idle } as never), TypeError, /^fromNodeReadable: expected `readable`/],
  ['fromNodeReadable: no destroy()', () => fromNodeReadable({ read: idle, on: idle } as never), TypeError, /^fromNodeReadable: expected `readable`/],
  ['fromNodeReadable: no read()', () => fromNodeReadable({ on: idle, destroy: idle } as never), TypeError, /^fromNodeReadable: expected `readable`/],
]);

describe('fromNodeReadable: a stream that produces later', () => {
  it('a read waits for data pushed later, and for the end', async () => {
    const readable = new Readable({ objectMode: true, read: idle });
    const stage = fromNodeReadable<string>(readable);
    const first = watch(stage.next());
    await ticks(5);
    expect(first.settled).toBe(false);
    readable.push('late');
    await settleAll(); // Node emits 'readable' on a later tick
    expect(first.value).toEqual({ done: false, value: 'late' });
    const end = watch(stage.next());
    await ticks(5);
    expect(end.settled).toBe(false);
    readable.push(null);
    await settleAll();
    expect(end.value).toEqual({ done: true, value: undefined });
    expect(await stage.next()).toEqual({ done: true, value: undefined });
  });

  it('destroyed by someone else before it ended: the read rejects with ERR_STREAM_PREMATURE_CLOSE', async () => {
    const readable = new Readable({ objectMode: true, read: idle });
    const stage = fromNodeReadable<string>(readable);
    const pending = outcome(stage.next());
    await ticks(5);
    readable.destroy();
    await settleAll();
    const result = await pending;
    expect(result.ok).toBe(false);
    expect(result.value).toMatchObject({ code: 'ERR_STREAM_PREMATURE_CLOSE', message: 'The stream was destroyed before it ended.' });
  });
});
