import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { batchTime, map, pipe, tap, toArray } from 'iterscope';
import { badInputSuite, contractSuite, outcome, watch } from '../helpers/contract.js';
import { controlled } from '../helpers/controlled.js';
import { recordReports, signalSource, ticks } from '../helpers/probe.js';
import { timerClearedOnEveryStop } from '../helpers/timer-stops.js';

let recorded: ReturnType<typeof recordReports>;
beforeEach(() => {
  recorded = recordReports();
  // Only the timers the stage sets: the close deadline keeps real time.
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
});
afterEach(() => {
  vi.useRealTimers();
  recorded.stop();
});

// Each batch's time has passed when the next item arrives (the clock is moved on as it
// arrives): batches of one, unwrapped, so the shared suite sees the items unchanged.
contractSuite('batchTime', {
  make: (source, options) =>
    pipe(source, tap(() => vi.advanceTimersByTime(1)), batchTime(0, Infinity, options), map((items: number[]) => items[0])),
});

describe('batchTime (fake clock: nothing sleeps)', () => {
  it('passes a batch when `max` items are collected, without waiting for the time', async () => {
    const src = controlled<number>();
    const stage = pipe(src, batchTime(60_000, 3));
    const first = stage.next();
    for (const x of [1, 2, 3, 4]) src.push(x);
    expect(await first).toEqual({ done: false, value: [1, 2, 3] });
    await stage.return();
  });

  it('passes a partial batch `ms` after its first item', async () => {
    const src = controlled<number>();
    const stage = pipe(src, batchTime(100, 10));
    const first = watch(stage.next());
    src.push(1);
    await vi.advanceTimersByTimeAsync(60);
    src.push(2); // does not restart the time: it counts from the batch's first item
    await vi.advanceTimersByTimeAsync(39);
    expect(first.settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(first.value).toEqual({ done: false, value: [1, 2] });
    // The next batch's time starts at its own first item.
    const second = watch(stage.next());
    await vi.advanceTimersByTimeAsync(500);
    expect(second.settled).toBe(false);
    src.push(3);
    await vi.advanceTimersByTimeAsync(100);
    expect(second.value).toEqual({ done: false, value: [3] });
    await stage.return();
  });

  it('reads nothing while nobody waits and no batch is filling', async () => {
    const src = controlled<number>();
    const stage = pipe(src, batchTime(60_000, 1)); // every item is a full batch: no timer left running
    const first = stage.next();
    src.push(1);
    expect(await first).toEqual({ done: false, value: [1] });
    await ticks(10);
    expect(src.calls.next).toBe(1);
    await stage.return();
  });

  it('reads the source ahead while a batch is filling, with nobody waiting', async () => {
    const src = controlled<number>();
    const stage = pipe(src, batchTime(100, 2));
    const first = stage.next();
    src.push(1);
    await vi.advanceTimersByTimeAsync(100);
    expect(await first).toEqual({ done: false, value: [1] }); // a read was in flight since 1 arrived
    const reads = src.calls.next;
    src.push(2); // answers it: a batch starts, its timer runs
    await ticks(5);
    expect(src.calls.next).toBe(reads + 1); // read on to fill it, though nobody waits
    src.push(3);
    expect(await stage.next()).toEqual({ done: false, value: [2, 3] });
    await stage.return();
  });

  it('a slow consumer pauses the reading: a batch due and not taken stops further reads', async () => {
    const src = controlled<number>();
    const stage = pipe(src, batchTime(100, 2));
    const first = stage.next();
    src.push(1);
    await vi.advanceTimersByTimeAsync(100);
    expect(await first).toEqual({ done: false, value: [1] });
    src.push(2);
    await vi.advanceTimersByTimeAsync(100); // [2] is due; nobody has asked for it
    const reads = src.calls.next;
    src.push(3); // answers the read that was in flight
    await vi.advanceTimersByTimeAsync(1_000);
    expect(src.calls.next).toBe(reads); // no read since: [2] waits for the consumer
    expect(await stage.next()).toEqual({ done: false, value: [2] });
    expect(await stage.next()).toEqual({ done: false, value: [3] });
    await stage.return();
  });

  it('the source ends: the last, partial batch is passed at once, then done; never an empty batch', async () => {
    const src = controlled<number>();
    const stage = pipe(src, batchTime(60_000, 2));
    const first = stage.next();
    for (const x of [1, 2, 3]) src.push(x);
    src.end();
    expect(await first).toEqual({ done: false, value: [1, 2] });
    expect(await stage.next()).toEqual({ done: false, value: [3] });
    expect(vi.getTimerCount()).toBe(0);
    expect(await stage.next()).toEqual({ done: true, value: undefined });
    expect(src.calls.return).toBe(0); // C1: a source that ended is not closed
    expect(await toArray(pipe([], batchTime(0, 2)))).toEqual([]);
    expect(await toArray(pipe([1, 2], batchTime(0, 2)))).toEqual([[1, 2]]);
  });

  it('max Infinity: time alone decides', async () => {
    expect(await toArray(pipe([1, 2, 3, 4, 5], batchTime(0, Infinity)))).toEqual([[1, 2, 3, 4, 5]]);
  });

  it('a source error during a batch: the partial batch first, at once, then the error; the source is not closed', async () => {
    const src = controlled<number>();
    const error = new Error('source failed');
    const stage = pipe(src, batchTime(60_000, 10));
    const first = stage.next();
    src.push(1);
    src.push(2);
    src.fail(error);
    expect(await first).toEqual({ done: false, value: [1, 2] });
    expect(vi.getTimerCount()).toBe(0);
    expect(await outcome(stage.next())).toEqual({ ok: false, value: error });
    expect(src.calls.return).toBe(0);
    expect(recorded.reports).toEqual([]);
  });

  it('a source error nobody asks for is reported when the stream is closed', async () => {
    const src = controlled<number>();
    const error = new Error('source failed');
    const stage = pipe(src, batchTime(60_000, 10));
    const first = stage.next();
    src.push(1);
    src.fail(error);
    expect(await first).toEqual({ done: false, value: [1] });
    await stage.return();
    expect(recorded.reports).toEqual([{ type: 'late-error', stage: 'batchTime', error }]);
  });

  it('C3: a source ended by abort ends the stage by abort at once, the partial batch dropped', async () => {
    const src = controlled<number>();
    const stage = pipe(src, batchTime(60_000, 10));
    const first = outcome(stage.next());
    src.push(1);
    const abortError = new DOMException('stopped', 'AbortError');
    src.fail(abortError);
    expect(await first).toEqual({ ok: false, value: abortError });
    expect(vi.getTimerCount()).toBe(0);
  });

  it('C3: a source that takes a signal is told of the stop while its read ahead is parked; nothing is reported', async () => {
    const src = signalSource(1);
    const stage = pipe(src, batchTime(60_000, 10));
    void stage.next().catch(() => undefined);
    await ticks(10); // item 0 is held; the read ahead is parked on the signal
    await stage.return();
    const signal = src.signals[0];
    expect(signal?.aborted).toBe(true);
    expect((signal?.reason as Error).name).toBe('AbortError');
    expect((signal?.reason as Error).message).toBe('iterscope: batchTime stopped (cancelled)');
    await ticks(5);
    expect(recorded.reports).toEqual([]);
  });

  timerClearedOnEveryStop((src, options) => pipe(src, batchTime(60_000, 10, options)));

  describe('the timer is cleared when a batch fills', () => {
    it('a full batch', async () => {
      const src = controlled<number>();
      const stage = pipe(src, batchTime(60_000, 2));
      const first = stage.next();
      src.push(1);
      await ticks(5);
      expect(vi.getTimerCount()).toBe(1);
      src.push(2);
      expect(await first).toEqual({ done: false, value: [1, 2] });
      expect(vi.getTimerCount()).toBe(0);
      await stage.return();
    });
  });
});

badInputSuite('batchTime', [
  ['ms -1', () => batchTime(-1, 2), RangeError, /batchTime: expected `ms` to be a finite number of milliseconds from 0 up, got `-1`/],
  ['ms Infinity', () => batchTime(Infinity, 2), RangeError, /batchTime: expected `ms` to be a finite number of milliseconds from 0 up, got `Infinity`/],
  ['max 0', () => batchTime(10, 0), RangeError, /batchTime: expected `max` to be a whole number from 1 up, or Infinity, got `0`/],
  ['max 1.5', () => batchTime(10, 1.5), RangeError, /batchTime: expected `max` to be a whole number from 1 up, or Infinity, got `1.5`/],
  ['max missing', () => (batchTime as (ms: number) => unknown)(10), TypeError, /batchTime: expected `max` to be a number, got `undefined`/],
  ['options.closeTimeout', () => batchTime(10, 2, { closeTimeout: -1 }), RangeError, /batchTime: expected `options.closeTimeout`/],
]);
