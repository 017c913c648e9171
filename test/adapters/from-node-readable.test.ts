/**
 * fromNodeReadable at the edges a Node stream has: one that already ended, one that does
 * not close by itself after the end, one destroyed by someone else whose close is still
 * under way, one made with `emitClose: false` that fails to close, and the listeners the
 * stage leaves on a stream it was handed (none but the 'error' guard, once it is done).
 */
import { EventEmitter } from 'node:events';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fromNodeReadable, toArray, type NodeReadableLike } from 'iterscope';
import { badInputSuite, outcome, watch } from '../helpers/contract.js';
import { recordReports, settleAll, ticks } from '../helpers/probe.js';

let recorded: ReturnType<typeof recordReports>;
beforeEach(() => {
  recorded = recordReports();
});
afterEach(() => {
  recorded.stop();
});

/** A Readable's read() that produces nothing until pushed to. */
const idle = (): void => undefined;

/** How many listeners the stage left on the stream, per event. */
function listeners(stream: Readable): Record<string, number> {
  return Object.fromEntries(['readable', 'end', 'close', 'error'].map((event) => [event, stream.listenerCount(event)]));
}

describe('fromNodeReadable: ends', () => {
  it('a stream that had already ended (and closed) reads as empty, without an error', async () => {
    const readable = Readable.from([]);
    readable.resume();
    await new Promise((resolve) => readable.once('close', resolve));
    expect(readable.readableEnded).toBe(true);
    expect(await toArray(fromNodeReadable(readable))).toEqual([]);
  });

  it("a stream that does not close after its end (autoDestroy: false) still ends the read at 'end'", async () => {
    const readable = new Readable({ objectMode: true, read: idle, autoDestroy: false });
    const stage = fromNodeReadable<string>(readable);
    readable.push('a');
    expect(await stage.next()).toEqual({ done: false, value: 'a' });
    const end = watch(stage.next());
    readable.push(null);
    await settleAll();
    expect(readable.destroyed).toBe(false); // no 'close' is coming
    expect(end.value).toEqual({ done: true, value: undefined });
  });
});

describe('fromNodeReadable: closing', () => {
  it('return() on a stream someone else is destroying waits for its close to finish', async () => {
    let finishDestroy: (() => void) | undefined;
    const readable = new Readable({
      objectMode: true,
      read: idle,
      destroy(_error, callback) {
        finishDestroy = () => {
          callback(null);
        };
      },
    });
    const stage = fromNodeReadable(readable);
    readable.destroy(); // destroyed, not closed yet
    expect([readable.destroyed, readable.closed]).toEqual([true, false]);
    const closing = watch(stage.return());
    await settleAll();
    expect(closing.settled).toBe(false);
    finishDestroy?.();
    await settleAll();
    expect(closing.value).toEqual({ done: true, value: undefined });
  });

  it('C5: a stream made with emitClose: false that fails to close: return() resolves, and the error is reported', async () => {
    const closeError = new Error('close failed');
    const readable = new Readable({
      objectMode: true,
      read: idle,
      emitClose: false,
      destroy(_error, callback) {
        callback(closeError);
      },
    });
    const stage = fromNodeReadable(readable);
    expect(await stage.return()).toEqual({ done: true, value: undefined });
    await settleAll(); // Node emits 'error' on a later tick
    expect(recorded.reports).toEqual([{ type: 'late-error', stage: 'fromNodeReadable', error: closeError }]);
  });
});

describe('fromNodeReadable: listeners', () => {
  it('one listener per event however many reads; only the error guard stays after the end', async () => {
    const readable = new Readable({ objectMode: true, read: idle, autoDestroy: false });
    const stage = fromNodeReadable<number>(readable);
    for (let i = 0; i < 12; i++) {
      const read = stage.next();
      await ticks(3);
      readable.push(i);
      expect(await read).toEqual({ done: false, value: i });
    }
    expect(listeners(readable)).toEqual({ readable: 1, end: 1, close: 1, error: 1 });
    const end = stage.next();
    readable.push(null);
    expect(await end).toEqual({ done: true, value: undefined });
    expect(listeners(readable)).toEqual({ readable: 0, end: 0, close: 0, error: 1 });
  });

  it('only the error guard stays after return() has closed the stream', async () => {
    const readable = new Readable({ objectMode: true, read: idle });
    const stage = fromNodeReadable(readable);
    const pending = stage.next();
    await stage.return();
    expect(await pending).toEqual({ done: true, value: undefined });
    expect(listeners(readable)).toEqual({ readable: 0, end: 0, close: 0, error: 1 });
  });
});

describe('fromNodeReadable: a structural stream (not node:stream)', () => {
  /** The least a NodeReadableLike needs: an emitter with read() and destroy(), no Node internals. */
  function structural(items: unknown[]): NodeReadableLike & { destroyed: boolean } {
    const emitter = new EventEmitter();
    const stream = {
      destroyed: false,
      readableEnded: false,
      read: () => (items.length > 0 ? items.shift() : null),
      on: (event: string, listener: (...args: unknown[]) => void) => emitter.on(event, listener),
      off: (event: string, listener: (...args: unknown[]) => void) => emitter.off(event, listener),
      destroy: () => {
        stream.destroyed = true;
        queueMicrotask(() => emitter.emit('close'));
      },
    };
    return stream as NodeReadableLike & { destroyed: boolean };
  }

  it('is read, and closed by return() when its close event comes', async () => {
    const stream = structural(['a', 'b']);
    const stage = fromNodeReadable<string>(stream);
    expect(await stage.next()).toEqual({ done: false, value: 'a' });
    expect(await outcome(stage.return())).toEqual({ ok: true, value: { done: true, value: undefined } });
    expect(stream.destroyed).toBe(true);
  });
});

badInputSuite('fromNodeReadable', [
  [
    'a function with the methods of a stream',
    () => fromNodeReadable(Object.assign(() => undefined, { read: idle, on: idle, destroy: idle }) as never),
    TypeError,
    /^fromNodeReadable: expected `readable` to be a Node Readable stream, got a function/,
  ],
]);
