import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { count, every, find, last, SuppressedError, some } from 'iterscope';
import { badInputSuite, outcome } from '../helpers/contract.js';
import { probe, probeIterable, recordReports, ticks } from '../helpers/probe.js';

// some, every, find, count and last: each closes its source exactly once when it stops
// early (C1), never after the source finished, rejects with the abort's reason (C3), and
// keeps a close error with a predicate error (C5).

let recorded: ReturnType<typeof recordReports>;
beforeEach(() => {
  recorded = recordReports();
});
afterEach(() => {
  recorded.stop();
});

const isTwo = (x: number): boolean => x === 2;

describe('some / every / find', () => {
  it('answer from the items', async () => {
    expect(await some([1, 2, 3], isTwo)).toBe(true);
    expect(await some([1, 3], isTwo)).toBe(false);
    expect(await some([], isTwo)).toBe(false);
    expect(await every([2, 2], isTwo)).toBe(true);
    expect(await every([2, 3], isTwo)).toBe(false);
    expect(await every([], isTwo)).toBe(true);
    expect(await find([1, 2, 3], (x) => x > 1)).toBe(2);
    expect(await find([1, 2, 3], (x) => x > 5)).toBeUndefined();
    expect(await find(['a', 'b'], async (_x, i) => i === 1)).toBe('b');
  });

  it('every awaits an async predicate: a promise is not taken as a truthy answer', async () => {
    expect(await every([1, 2, 3], async (x) => x < 3)).toBe(false);
    expect(await every([1, 2], async (x) => x < 3)).toBe(true);
    const src = probe();
    expect(await every(src, async (x) => x < 1)).toBe(false);
    expect(src.calls).toEqual({ next: 2, return: 1, throw: 0 });
  });

  it.each([
    ['some', (src: AsyncIterator<number>) => some(src, isTwo), true],
    ['every', (src: AsyncIterator<number>) => every(src, (x) => x < 2), false],
    ['find', (src: AsyncIterator<number>) => find(src, isTwo), 2],
  ] as const)('C1: %s stops at the deciding item and closes the source once, without reading further', async (_name, call, expected) => {
    const src = probe();
    expect(await call(src)).toBe(expected);
    expect(src.calls).toEqual({ next: 3, return: 1, throw: 0 });
  });

  it.each([
    ['some', (src: AsyncIterator<number>) => some(src, isTwo)],
    ['every', (src: AsyncIterator<number>) => every(src, () => true)],
    ['find', (src: AsyncIterator<number>) => find(src, isTwo)],
    ['count', (src: AsyncIterator<number>) => count(src)],
    ['last', (src: AsyncIterator<number>) => last(src)],
  ] as const)('C1: %s does not close a source that ended', async (_name, call) => {
    const src = probe({ items: 2 });
    await call(src);
    expect(src.calls.return).toBe(0);
  });

  it('C5: a predicate error closes the source and keeps the close error', async () => {
    const error = new Error('predicate');
    const closeError = new Error('close');
    const src = probe({ returnError: closeError });
    const result = await outcome(some(src, () => {
      throw error;
    }));
    expect(result.value).toBeInstanceOf(SuppressedError);
    expect((result.value as SuppressedError).error).toBe(closeError);
    expect((result.value as SuppressedError).suppressed).toBe(error);
    expect(src.calls.return).toBe(1);
  });

  it('C5: a close error after the deciding item rejects', async () => {
    const closeError = new Error('close');
    expect(await outcome(find(probe({ returnError: closeError }), () => true))).toEqual({ ok: false, value: closeError });
  });
});

describe('count / last', () => {
  it('count every item, or the matching ones, sync or async', async () => {
    expect(await count([1, 2, 3])).toBe(3);
    expect(await count([1, 2, 3, 4], (x) => x % 2 === 0)).toBe(2);
    expect(await count([1, 2, 3, 4], async (_x, i) => i > 0)).toBe(3);
    expect(await count([])).toBe(0);
  });

  it('last is the last item, or undefined', async () => {
    expect(await last([1, 2, 3])).toBe(3);
    expect(await last<number>([])).toBeUndefined();
  });

  it('C1: a count predicate that throws closes the source once', async () => {
    const src = probe();
    const error = new Error('predicate');
    expect(await outcome(count(src, (_x, i) => {
      if (i === 1) throw error;
      return true;
    }))).toEqual({ ok: false, value: error });
    expect(src.calls.return).toBe(1);
  });
});

describe('C3 abort', () => {
  it.each([
    ['some', (src: AsyncIterator<number>, signal: AbortSignal) => some(src, () => false, { signal })],
    ['every', (src: AsyncIterator<number>, signal: AbortSignal) => every(src, () => true, { signal })],
    ['find', (src: AsyncIterator<number>, signal: AbortSignal) => find(src, () => false, { signal })],
    ['count', (src: AsyncIterator<number>, signal: AbortSignal) => count(src, undefined, { signal })],
    ['last', (src: AsyncIterator<number>, signal: AbortSignal) => last(src, { signal })],
  ] as const)('%s rejects with the reason itself and closes the parked source once', async (_name, call) => {
    const src = probe({ parkAt: 2 });
    const controller = new AbortController();
    const pending = outcome(call(src, controller.signal));
    await ticks(10);
    const reason = new Error('stop');
    controller.abort(reason);
    expect(await pending).toEqual({ ok: false, value: reason });
    await ticks(5);
    expect(src.calls.return).toBe(1);
  });

  it('an already-aborted signal opens nothing', async () => {
    const src = probeIterable();
    const reason = new Error('early');
    expect(await outcome(some(src, () => true, { signal: AbortSignal.abort(reason) }))).toEqual({ ok: false, value: reason });
    expect(src.opened).toHaveLength(0);
  });
});

badInputSuite('terminals', [
  ['some: predicate', () => some([1], 1 as never), TypeError, /some: expected `predicate` to be a function, got `1` \(number\)/],
  ['every: predicate', () => every([1], null as never), TypeError, /every: expected `predicate` to be a function, got `null`/],
  ['find: source', () => find(3 as never, () => true), TypeError, /find: expected `source` to be an async iterable/],
  ['count: predicate', () => count([1], 'x' as never), TypeError, /count: expected `predicate` to be a function/],
  ['last: options', () => last([1], { signal: 'x' as never }), TypeError, /last: expected `options.signal` to be an AbortSignal/],
  // Each message starts with the terminal's own name.
  ['find: predicate', () => find([1], 2 as never), TypeError, /^find: expected `predicate` to be a function, got `2`/],
  ['some: source', () => some(4 as never, () => true), TypeError, /^some: expected `source` to be an async iterable/],
  ['every: source', () => every(5 as never, () => true), TypeError, /^every: expected `source` to be an async iterable/],
  ['count: source', () => count(6 as never), TypeError, /^count: expected `source` to be an async iterable/],
  ['find: source, named first', () => find(7 as never, () => true), TypeError, /^find: expected `source`/],
]);
