import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { interval, pipe, take, toArray } from 'iterscope';
import { badInputSuite, outcome, watch } from '../helpers/contract.js';
import { recordReports, ticks } from '../helpers/probe.js';

let recorded: ReturnType<typeof recordReports>;
beforeEach(() => {
  recorded = recordReports();
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
});
afterEach(() => {
  vi.useRealTimers();
  expect(recorded.reports).toEqual([]);
  recorded.stop();
});

describe('interval (fake timers: nothing sleeps)', () => {
  it('yields 0, 1, 2 one period after each read', async () => {
    const stream = interval(100);
    const first = watch(stream.next());
    await vi.advanceTimersByTimeAsync(99);
    expect(first.settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(first.value).toEqual({ done: false, value: 0 });
    const second = stream.next();
    await vi.advanceTimersByTimeAsync(100);
    expect(await second).toEqual({ done: false, value: 1 });
    await stream.return();
  });

  it('take closes it and leaves no timer behind', async () => {
    const collected = toArray(pipe(interval(10), take(3)));
    await vi.advanceTimersByTimeAsync(30);
    expect(await collected).toEqual([0, 1, 2]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('C2: return() while a tick is pending settles the read at once and clears the timer', async () => {
    const stream = interval(1_000);
    const read = watch(stream.next());
    await ticks(2);
    expect(vi.getTimerCount()).toBe(1);
    await stream.return();
    expect(read).toMatchObject({ settled: true, value: { done: true, value: undefined } });
    expect(vi.getTimerCount()).toBe(0);
  });

  it('C3: an abort rejects the pending read with the reason and clears the timer', async () => {
    const controller = new AbortController();
    const stream = interval(1_000, { signal: controller.signal });
    const read = outcome(stream.next());
    await ticks(2);
    const reason = new Error('stop');
    controller.abort(reason);
    expect(await read).toEqual({ ok: false, value: reason });
    await ticks(5);
    expect(vi.getTimerCount()).toBe(0);
  });
});

badInputSuite('interval', [
  ['ms -1', () => interval(-1), RangeError, /interval: expected `ms` to be a finite number of milliseconds from 0 up, got `-1`/],
  ['ms Infinity', () => interval(Infinity), RangeError, /interval: expected `ms` to be a finite number of milliseconds from 0 up/],
  ['options', () => interval(1, { closeTimeout: -1 }), RangeError, /^interval: expected `options.closeTimeout`/],
]);
