import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pipe, timeout, TimeoutError, toArray, withCleanup, type Exit } from 'iterscope';
import { badInputSuite, contractSuite, outcome } from '../helpers/contract.js';
import { probe, probeIterable, recordReports } from '../helpers/probe.js';

let recorded: ReturnType<typeof recordReports>;
beforeEach(() => {
  recorded = recordReports();
});
afterEach(() => {
  recorded.stop();
});

contractSuite('timeout', { make: (source, options) => pipe(source, timeout(60_000, options)) });

describe('timeout', () => {
  it('passes items that arrive in time', async () => {
    expect(await toArray(pipe([1, 2, 3], timeout(60_000)))).toEqual([1, 2, 3]);
  });

  it('an item that takes too long rejects with a TimeoutError and closes the source once', async () => {
    const src = probe({ parkAt: 1 });
    const stage = pipe(src, timeout(5));
    expect(await stage.next()).toEqual({ done: false, value: 0 });
    const result = await outcome(stage.next());
    expect(result.value).toBeInstanceOf(TimeoutError);
    expect((result.value as TimeoutError).name).toBe('TimeoutError');
    expect((result.value as TimeoutError).code).toBe('ITERSCOPE_TIMEOUT');
    expect((result.value as TimeoutError).ms).toBe(5);
    expect((result.value as TimeoutError).message).toBe('No item arrived within 5 ms.');
    await stage.return();
    expect(src.calls.return).toBe(1);
  });

  it("TimeoutError has a name like a built-in error's: not enumerable, writable, configurable", () => {
    expect(Object.getOwnPropertyDescriptor(TimeoutError.prototype, 'name')).toEqual({
      ...Object.getOwnPropertyDescriptor(RangeError.prototype, 'name'),
      value: 'TimeoutError',
    });
  });

  it('C2: rejects without waiting for a parked source whose close never settles', async () => {
    const src = probe({ parkAt: 0, returnParks: true });
    const stage = pipe(src, timeout(5, { closeTimeout: 60_000 }));
    const result = await outcome(stage.next());
    expect(result.value).toBeInstanceOf(TimeoutError);
    // The close was sent, and is still running: the consumer did not wait for it.
    expect(src.calls.return).toBe(1);
    expect(src.log).not.toContain('src:return:end');
  });

  it('upstream sees an abort whose reason is the TimeoutError; signal-taking sources get it', async () => {
    const exits: Exit[] = [];
    const src = probeIterable({ parkAt: 0 });
    const stage = pipe(
      src,
      withCleanup((exit) => exits.push(exit)),
      timeout(5),
    );
    const result = await outcome(stage.next());
    await stage.return();
    expect(exits).toEqual([{ outcome: 'aborted', reason: result.value }]);
    expect(src.opened[0]?.signal?.aborted).toBe(true);
    expect(src.opened[0]?.signal?.reason).toBe(result.value);
  });
});

badInputSuite('timeout', [
  ['ms negative', () => timeout(-1), RangeError, /timeout: expected `ms` to be a finite number of milliseconds from 0 up, got `-1`/],
  ['ms Infinity', () => timeout(Infinity), RangeError, /timeout: expected `ms` to be a finite number.*`Infinity`/],
  ['ms not a number', () => timeout('5' as never), TypeError, /timeout: expected `ms` to be a number of milliseconds, got `"5"`/],
  ['signal not a signal', () => timeout(5, { signal: {} as never }), TypeError, /timeout: expected `options.signal` to be an AbortSignal/],
]);

describe('timeout: abort versus end', () => {
  it('C3 rule 1: the caller aborts while the stage answers its source\'s end: the pending next() rejects with the reason', async () => {
    let answer: (r: IteratorResult<number>) => void = () => undefined;
    const source = { [Symbol.asyncIterator]: () => ({ next: () => new Promise<IteratorResult<number>>((resolve) => { answer = resolve; }) }) };
    const controller = new AbortController();
    const stream = pipe(source, timeout(60_000, { signal: controller.signal }));
    const pending = stream.next();
    await Promise.resolve();
    answer({ done: true, value: undefined });
    await Promise.resolve(); // the stage has the end; the consumer does not have it yet
    const reason = new Error('caller left');
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
  });

});
