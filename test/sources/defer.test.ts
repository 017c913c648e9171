/**
 * defer with a factory that answers later: the stream closed while the factory is still
 * working closes what it makes once it is made (C1), and an iterator without return() is
 * closed without an error.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defer } from 'iterscope';
import { outcome } from '../helpers/contract.js';
import { probe, recordReports, settleAll } from '../helpers/probe.js';

let recorded: ReturnType<typeof recordReports>;
beforeEach(() => {
  recorded = recordReports();
});
afterEach(() => {
  recorded.stop();
});

/** A promise and its resolvers. */
function later<T>(): { promise: Promise<T>; resolve: (value: T) => void; reject: (error: unknown) => void } {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('defer: closed while the factory is still working', () => {
  it('C1: what the factory makes after the close is closed once made; the read ended at the close', async () => {
    const made = later<AsyncIterator<number>>();
    const stream = defer(() => made.promise);
    const read = outcome(stream.next());
    await settleAll();
    const closing = stream.return();
    expect(await read).toEqual({ ok: true, value: { done: true, value: undefined } });
    const src = probe();
    made.resolve(src);
    expect(await closing).toEqual({ done: true, value: undefined });
    await settleAll();
    expect(src.calls.return).toBe(1);
    expect(recorded.reports).toEqual([]);
  });

  it('C1: a factory that rejects after the close has nothing to close; the close ends cleanly', async () => {
    const made = later<AsyncIterator<number>>();
    const stream = defer(() => made.promise);
    const read = outcome(stream.next());
    await settleAll();
    const closing = outcome(stream.return());
    made.reject(new Error('request failed after the close'));
    expect(await read).toEqual({ ok: true, value: { done: true, value: undefined } });
    expect(await closing).toEqual({ ok: true, value: { done: true, value: undefined } });
  });
});

describe('defer: an iterator without return()', () => {
  it.each([
    ['made at once', false],
    ['made by a promise', true],
  ] as const)('%s: closing it after a read ends cleanly', async (_name, async) => {
    let i = 0;
    const iterator: AsyncIterator<number> = { next: () => Promise.resolve({ done: false, value: i++ }) };
    const stream = defer(() => (async ? Promise.resolve(iterator) : iterator));
    expect(await stream.next()).toEqual({ done: false, value: 0 });
    expect(await outcome(stream.return())).toEqual({ ok: true, value: { done: true, value: undefined } });
    expect(recorded.reports).toEqual([]);
  });
});
