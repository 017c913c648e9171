import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { channel, pipe, take, toArray } from 'iterscope';
import { badInputSuite, outcome, watch } from '../helpers/contract.js';
import { recordReports, ticks } from '../helpers/probe.js';

let recorded: ReturnType<typeof recordReports>;
beforeEach(() => {
  recorded = recordReports();
});
afterEach(() => {
  expect(recorded.reports).toEqual([]);
  recorded.stop();
});

describe('channel', () => {
  it('passes pushed items in order, and ends after close()', async () => {
    const ch = channel<number>({ capacity: Infinity });
    void ch.push(1);
    void ch.push(2);
    ch.close();
    expect(await toArray(ch.stream)).toEqual([1, 2]);
  });

  it('a read waiting for an item gets the next push, and done on close()', async () => {
    const ch = channel<string>();
    const first = ch.stream.next();
    await ticks(3);
    expect(await ch.push('a')).toBe(true);
    expect(await first).toEqual({ done: false, value: 'a' });
    const second = ch.stream.next();
    ch.close();
    expect(await second).toEqual({ done: true, value: undefined });
  });

  it('backpressure: with capacity 0, push resolves only when its item is read', async () => {
    const ch = channel<number>();
    const pushed = watch(ch.push(1));
    await ticks(5);
    expect(pushed.settled).toBe(false);
    expect(await ch.stream.next()).toEqual({ done: false, value: 1 });
    await ticks(1);
    expect(pushed).toMatchObject({ settled: true, value: true });
  });

  it('backpressure: with capacity 2, two pushes resolve at once, the third when a read makes room', async () => {
    const ch = channel<number>({ capacity: 2 });
    const pushes = [watch(ch.push(1)), watch(ch.push(2)), watch(ch.push(3))];
    await ticks(3);
    expect(pushes.map((p) => p.settled)).toEqual([true, true, false]);
    await ch.stream.next();
    await ticks(1);
    expect(pushes[2]).toMatchObject({ settled: true, value: true });
  });

  it('C3: the consumer stopping aborts the signal with an AbortError naming the stage; waiting pushes resolve false', async () => {
    const ch = channel<number>();
    const producer = (async () => {
      const results: boolean[] = [];
      for (let i = 0; i < 5 && !ch.signal.aborted; i++) results.push(await ch.push(i));
      return results;
    })();
    expect(await toArray(pipe(ch.stream, take(2)))).toEqual([0, 1]);
    expect(ch.signal.aborted).toBe(true);
    expect(ch.signal.reason).toBeInstanceOf(DOMException);
    expect((ch.signal.reason as DOMException).name).toBe('AbortError');
    expect((ch.signal.reason as DOMException).message).toBe('iterscope: channel stopped (cancelled)');
    expect(await producer).toEqual([true, true, false]);
  });

  it('C3: an abort rejects the waiting read with the reason itself, and the producer sees that reason', async () => {
    const controller = new AbortController();
    const ch = channel<number>({ signal: controller.signal });
    const read = outcome(ch.stream.next());
    const reason = new Error('user left');
    controller.abort(reason);
    expect(await read).toEqual({ ok: false, value: reason });
    await ticks(3);
    expect(ch.signal.reason).toBe(reason);
    expect(await ch.push(1)).toBe(false);
  });

  it('C2: return() settles a waiting read at once', async () => {
    const ch = channel<number>();
    const read = watch(ch.stream.next());
    await ticks(2);
    const closing = ch.stream.return();
    await ticks(2);
    expect(read).toMatchObject({ settled: true, value: { done: true, value: undefined } });
    await closing;
    expect(ch.signal.aborted).toBe(true);
  });

  it('error() fails the stream after the items already pushed', async () => {
    const ch = channel<number>({ capacity: 1 });
    void ch.push(1);
    const error = new Error('socket closed');
    ch.error(error);
    expect(await ch.stream.next()).toEqual({ done: false, value: 1 });
    expect(await outcome(ch.stream.next())).toEqual({ ok: false, value: error });
    expect(ch.signal.aborted).toBe(true);
  });

  it('push after close() or after the stream stopped resolves false', async () => {
    const ch = channel<number>();
    ch.close();
    expect(await ch.push(1)).toBe(false);
    const other = channel<number>();
    await other.stream.return();
    expect(await other.push(1)).toBe(false);
  });

  it('the first end wins: error() after close() and close() after error() change nothing; push after error() resolves false', async () => {
    const closed = channel<number>({ capacity: 1 });
    void closed.push(1);
    closed.close();
    closed.error(new Error('too late'));
    expect(await toArray(closed.stream)).toEqual([1]);

    const error = new Error('first');
    const failed = channel<number>({ capacity: 1 });
    failed.error(error);
    failed.close();
    failed.error(new Error('second'));
    expect(await failed.push(2)).toBe(false);
    expect(await outcome(failed.stream.next())).toEqual({ ok: false, value: error });
  });

  it('a read waiting when error() comes rejects at once', async () => {
    const ch = channel<number>();
    const error = new Error('gone');
    const pending = outcome(ch.stream.next());
    await Promise.resolve();
    ch.error(error);
    expect(await pending).toEqual({ ok: false, value: error });
  });

  it('C5: an error nobody read is reported when the consumer leaves without reading it, once', async () => {
    const ch = channel<number>({ capacity: 1 });
    void ch.push(1);
    const error = new Error('never read');
    ch.error(error);
    expect(await ch.stream.next()).toEqual({ done: false, value: 1 });
    await ch.stream.return();
    await ch.stream.return();
    expect(recorded.reports).toEqual([{ type: 'late-error', stage: 'channel', error }]);
    recorded.reports.length = 0; // seen: the afterEach check is for reports nobody expected
  });

  it('C5: an error that was read is not reported again when the stream is closed', async () => {
    const ch = channel<number>();
    const error = new Error('read');
    ch.error(error);
    expect(await outcome(ch.stream.next())).toEqual({ ok: false, value: error });
    await ch.stream.return();
  });

  it('C6: the stream is disposable', async () => {
    const ch = channel<number>();
    {
      await using stream = ch.stream;
      void ch.push(1);
      expect(await stream.next()).toEqual({ done: false, value: 1 });
    }
    expect(ch.signal.aborted).toBe(true);
  });
});

badInputSuite('channel', [
  ['capacity -1', () => channel({ capacity: -1 }), RangeError, /channel: expected `options.capacity` to be a whole number from 0 up, or Infinity, got `-1`/],
  ['signal', () => channel({ signal: 1 as never }), TypeError, /channel: expected `options.signal` to be an AbortSignal/],
]);
