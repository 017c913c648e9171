import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { debounce, pipe, tap, toArray } from 'iterscope';
import { badInputSuite, contractSuite, outcome, watch } from '../helpers/contract.js';
import { controlled } from '../helpers/controlled.js';
import { probe, recordReports, signalSource, ticks } from '../helpers/probe.js';
import { timerClearedOnEveryStop } from '../helpers/timer-stops.js';

let recorded: ReturnType<typeof recordReports>;
beforeEach(() => {
  recorded = recordReports();
  // Only the timers the stage sets: the close deadline and the gc loops keep real time.
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
});
afterEach(() => {
  vi.useRealTimers();
  recorded.stop();
});

// Each item arrives after the quiet period of the one before it has passed (the clock is
// moved on as it arrives), so the shared suite sees the items unchanged.
contractSuite('debounce', {
  make: (source, options) => pipe(source, tap(() => vi.advanceTimersByTime(1)), debounce(0, options)),
});

describe('debounce (fake clock: nothing sleeps)', () => {
  it('passes an item once `ms` passed without a newer one; a newer one starts the wait again', async () => {
    const src = controlled<string>();
    const stage = pipe(src, debounce(100));
    const first = watch(stage.next());
    src.push('a');
    await vi.advanceTimersByTimeAsync(99);
    src.push('b'); // replaces 'a', and the wait starts again
    await vi.advanceTimersByTimeAsync(99);
    expect(first.settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(first.value).toEqual({ done: false, value: 'b' });
    await stage.return();
  });

  it('reads the source ahead while the timer runs, with nobody waiting', async () => {
    const src = controlled<string>();
    const stage = pipe(src, debounce(100));
    const first = stage.next();
    src.push('a');
    await vi.advanceTimersByTimeAsync(100);
    expect(await first).toEqual({ done: false, value: 'a' });
    // Nobody waits now; the read started while 'a' was held is answered...
    src.push('b');
    await ticks(5);
    // ...and, 'b' being held with its timer running, the stage reads on.
    expect(src.calls.next).toBe(3);
    src.push('c');
    await vi.advanceTimersByTimeAsync(100);
    expect(await stage.next()).toEqual({ done: false, value: 'c' });
    await stage.return();
  });

  it('a slow consumer pauses the reading: an item due and not taken stops further reads', async () => {
    const src = controlled<string>();
    const stage = pipe(src, debounce(100));
    await Promise.all([stage.next(), (async () => {
      src.push('a');
      await vi.advanceTimersByTimeAsync(100);
    })()]);
    src.push('b');
    await vi.advanceTimersByTimeAsync(100); // 'b' is due; nobody has asked for it
    const reads = src.calls.next;
    src.push('c'); // answers the read that was in flight
    await vi.advanceTimersByTimeAsync(1_000);
    expect(src.calls.next).toBe(reads); // no read since: 'b' waits for the consumer
    expect(await stage.next()).toEqual({ done: false, value: 'b' });
    expect(await stage.next()).toEqual({ done: false, value: 'c' });
    await stage.return();
  });

  it('the source ends: the held item is passed at once, then done; the timer is cleared', async () => {
    const src = controlled<string>();
    const stage = pipe(src, debounce(60_000));
    const first = stage.next();
    src.push('a');
    src.push('b');
    src.end();
    expect(await first).toEqual({ done: false, value: 'b' }); // no time passed
    expect(vi.getTimerCount()).toBe(0);
    expect(await stage.next()).toEqual({ done: true, value: undefined });
    expect(src.calls.return).toBe(0); // C1: a source that ended is not closed
  });

  it('passes only the last item of a source that is always ready', async () => {
    expect(await toArray(pipe([1, 2, 3], debounce(0)))).toEqual([3]);
  });

  it('a source error with an item held: the item first, at once, then the error; the source is not closed', async () => {
    const src = controlled<string>();
    const error = new Error('source failed');
    const stage = pipe(src, debounce(60_000));
    const first = stage.next();
    src.push('a');
    src.fail(error);
    expect(await first).toEqual({ done: false, value: 'a' });
    expect(vi.getTimerCount()).toBe(0);
    expect(await outcome(stage.next())).toEqual({ ok: false, value: error });
    expect(src.calls.return).toBe(0);
    expect(recorded.reports).toEqual([]);
  });

  it('an abort wins over a held item: the pending next() rejects with the reason, the timer is cleared', async () => {
    const src = controlled<string>();
    const controller = new AbortController();
    const stage = pipe(src, debounce(60_000, { signal: controller.signal }));
    const first = outcome(stage.next());
    src.push('a');
    await ticks(5);
    expect(vi.getTimerCount()).toBe(1);
    const reason = new Error('stop');
    controller.abort(reason);
    expect(await first).toEqual({ ok: false, value: reason });
    await ticks(5); // the close has settled: no deadline timer either
    expect(src.calls.return).toBe(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('C3: a source that takes a signal is told of the stop while its read ahead is parked; nothing is reported', async () => {
    const src = signalSource(1);
    const stage = pipe(src, debounce(60_000));
    void stage.next().catch(() => undefined);
    await ticks(10); // item 0 is held; the read ahead is parked on the signal
    await stage.return();
    const signal = src.signals[0];
    expect(signal?.aborted).toBe(true);
    expect((signal?.reason as Error).name).toBe('AbortError');
    expect((signal?.reason as Error).message).toBe('iterscope: debounce stopped (cancelled)');
    await ticks(5);
    expect(recorded.reports).toEqual([]);
  });

  timerClearedOnEveryStop((src, options) => pipe(src, debounce(60_000, options)));

  it('C3: a source ended by abort ends the stage by abort at once, the held item dropped', async () => {
    const src = controlled<string>();
    const stage = pipe(src, debounce(60_000));
    const first = outcome(stage.next());
    src.push('a');
    const abortError = new DOMException('stopped', 'AbortError');
    src.fail(abortError);
    expect(await first).toEqual({ ok: false, value: abortError });
    expect(vi.getTimerCount()).toBe(0);
  });

  it('works over a probe: reads one item at a time while nobody waits', async () => {
    const src = probe({ items: 2 });
    expect(await toArray(pipe(src, debounce(10)))).toEqual([1]);
  });
});

badInputSuite('debounce', [
  ['ms -1', () => debounce(-1), RangeError, /debounce: expected `ms` to be a finite number of milliseconds from 0 up, got `-1`/],
  ['ms Infinity', () => debounce(Infinity), RangeError, /debounce: expected `ms` to be a finite number of milliseconds from 0 up, got `Infinity`/],
  ['ms "5"', () => debounce('5' as never), TypeError, /debounce: expected `ms` to be a number of milliseconds, got `"5"` \(string\)/],
  ['options.signal', () => debounce(5, { signal: 'x' as never }), TypeError, /debounce: expected `options.signal` to be an AbortSignal/],
]);

describe('debounce: nothing held, nothing passed', () => {
  it('an empty source gives an empty stream', async () => {
    expect(await toArray(pipe([] as string[], debounce(100)))).toEqual([]);
  });

  it('the source ends after the held item was passed: done, with nothing more', async () => {
    const src = controlled<string>();
    const stage = pipe(src, debounce(100));
    const first = stage.next();
    src.push('a');
    await ticks(5);
    await vi.advanceTimersByTimeAsync(100);
    expect(await first).toEqual({ done: false, value: 'a' });
    const second = stage.next();
    src.end();
    expect(await second).toEqual({ done: true, value: undefined });
  });
});

describe('debounce: reads after the end, failures after the close', () => {
  it('C1: once the source reported done, it is never read again', async () => {
    const src = controlled<string>();
    const stage = pipe(src, debounce(60_000));
    const first = stage.next();
    src.push('a');
    await ticks(5);
    const reads = src.calls.next; // the item is held and the source is read ahead
    src.end();
    expect(await first).toEqual({ done: false, value: 'a' });
    await ticks(5);
    expect(src.calls.next).toBe(reads);
    expect(await stage.next()).toEqual({ done: true, value: undefined });
    expect(src.calls.next).toBe(reads);
  });

  it('C5: a read that fails after return() is reported, not lost', async () => {
    const src = controlled<string>();
    const stage = pipe(src, debounce(60_000));
    void stage.next();
    await ticks(5); // the read is in flight
    await stage.return();
    const error = new Error('failed after the close');
    src.fail(error);
    await ticks(5);
    expect(recorded.reports).toEqual([expect.objectContaining({ type: 'late-error', stage: 'debounce', error })]);
  });
});
