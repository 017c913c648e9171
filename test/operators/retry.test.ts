import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pipe, retry, take, toArray } from 'iterscope';
import { badInputSuite, outcome, watch } from '../helpers/contract.js';
import { probe, probeIterable, recordReports, ticks } from '../helpers/probe.js';

let recorded: ReturnType<typeof recordReports>;
beforeEach(() => {
  recorded = recordReports();
});
afterEach(() => {
  recorded.stop();
});

describe('retry', () => {
  it('reopens the source after a failure, and passes every attempt’s items', async () => {
    const src = probeIterable({ throwAt: 2 });
    const result = await outcome(toArray(pipe(src, retry(2))));
    expect(result.ok).toBe(false);
    expect(src.opened).toHaveLength(3);
    // C1: every failed attempt is finished, none is closed.
    expect(src.opened.map((p) => p.calls.return)).toEqual([0, 0, 0]);
  });

  it('stops retrying once an attempt succeeds', async () => {
    let opens = 0;
    const flaky = {
      async *[Symbol.asyncIterator]() {
        opens++;
        yield opens;
        if (opens < 3) throw new Error('again');
      },
    };
    expect(await toArray(pipe(flaky, retry(5)))).toEqual([1, 2, 3]);
    expect(opens).toBe(3);
  });

  it('fails with the last error once the retries are used up', async () => {
    const errors = [new Error('1'), new Error('2')];
    let n = 0;
    const src = { [Symbol.asyncIterator]: () => probe({ throwAt: 0, error: errors[n++] }) };
    expect(await outcome(toArray(pipe(src, retry(1))))).toEqual({ ok: false, value: errors[1] });
  });

  it('shouldRetry decides per failure', async () => {
    const fatal = new Error('fatal');
    const src = probeIterable({ throwAt: 0, error: fatal });
    const result = await outcome(toArray(pipe(src, retry({ count: 5, shouldRetry: (e) => e !== fatal }))));
    expect(result).toEqual({ ok: false, value: fatal });
    expect(src.opened).toHaveLength(1);
  });

  it('C1: the attempt in use is closed once when the consumer stops', async () => {
    const src = probeIterable({ throwAt: 1 });
    expect(await toArray(pipe(src, retry(3), take(2)))).toEqual([0, 0]);
    expect(src.opened.map((p) => p.calls.return)).toEqual([0, 1]);
  });

  it('C3: each attempt is opened with a close signal of its own, aborted when the attempt fails or the stream stops', async () => {
    const src = probeIterable({ throwAt: 0 });
    const controller = new AbortController();
    await outcome(toArray(pipe(src, retry({ count: 1, signal: controller.signal }))));
    const [first, second] = src.opened.map((p) => p.signal);
    expect(first).toBeInstanceOf(AbortSignal);
    expect(second).toBeInstanceOf(AbortSignal);
    expect(second).not.toBe(first); // one per source: a source held between reads reaches only its own (C7)
    expect(first?.aborted).toBe(true);
    expect(second?.aborted).toBe(true);
    expect((first?.reason as Error).name).toBe('AbortError');
  });

  it('C2: return() settles a pending read at once and closes the attempt in use once', async () => {
    const src = probeIterable({ parkAt: 0 });
    const stage = pipe(src, retry(1));
    const pending = watch(stage.next());
    await ticks(3);
    const closing = stage.return();
    await ticks(2);
    expect(pending).toMatchObject({ settled: true, value: { done: true, value: undefined } });
    await closing;
    expect(src.opened[0]!.calls.return).toBe(1);
  });

  it('C3: an abort rejects the pending read with the reason and is not retried', async () => {
    const src = probeIterable({ parkAt: 0 });
    const controller = new AbortController();
    const pending = outcome(pipe(src, retry({ count: 3, signal: controller.signal })).next());
    await ticks(3);
    const reason = new Error('stop');
    controller.abort(reason);
    expect(await pending).toEqual({ ok: false, value: reason });
    await ticks(5);
    expect(src.opened).toHaveLength(1);
    expect(src.opened[0]!.calls.return).toBe(1);
  });

  it('C10: an iterator cannot be reopened: a TypeError when applied', () => {
    expect(() => pipe(probe(), retry(1))).toThrow(/retry: expected `source` to be an iterable it can open again/);
  });
});

badInputSuite('retry', [
  ['count -1', () => retry(-1), RangeError, /retry: expected `count` to be a whole number from 0 up, or Infinity, got `-1`/],
  ['options.count', () => retry({ count: 'x' as never }), TypeError, /retry: expected `options.count` to be a number/],
  ['options', () => retry(null as never), TypeError, /retry: expected `options` to be a number or an object, got `null`/],
  ['shouldRetry', () => retry({ count: 1, shouldRetry: 1 as never }), TypeError, /retry: expected `options.shouldRetry` to be a function/],
]);
