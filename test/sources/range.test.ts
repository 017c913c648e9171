import { describe, expect, it } from 'vitest';
import { pipe, range, take, toArray } from 'iterscope';
import { badInputSuite, outcome } from '../helpers/contract.js';

describe('range', () => {
  it('count numbers from start', async () => {
    expect(await toArray(range(1, 3))).toEqual([1, 2, 3]);
    expect(await toArray(range(-2, 2))).toEqual([-2, -1]);
    expect(await toArray(range(5, 0))).toEqual([]);
  });

  it('an endless range stops with take', async () => {
    expect(await toArray(pipe(range(0, Infinity), take(3)))).toEqual([0, 1, 2]);
  });

  it('C3: an aborted signal rejects the first read', async () => {
    const reason = new Error('no');
    expect(await outcome(range(0, 3, { signal: AbortSignal.abort(reason) }).next())).toEqual({ ok: false, value: reason });
  });

  it('C6: disposable, done after return()', async () => {
    const stream = range(0, 3);
    await stream.return();
    expect(await stream.next()).toEqual({ done: true, value: undefined });
  });
});

badInputSuite('range', [
  ['start', () => range('1' as never, 2), TypeError, /range: expected `start` to be a finite number, got `"1"` \(string\)/],
  ['count', () => range(0, -1), RangeError, /range: expected `count` to be a whole number from 0 up, or Infinity, got `-1`/],
  ['start NaN', () => range(NaN, 2), TypeError, /^range: expected `start` to be a finite number, got `NaN`/],
  ['start Infinity', () => range(Infinity, 2), TypeError, /^range: expected `start` to be a finite number/],
  ['options', () => range(0, 1, { closeTimeout: -1 }), RangeError, /^range: expected `options.closeTimeout`/],
]);
