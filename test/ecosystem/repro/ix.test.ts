/**
 * IxJS 7 operators, driven by hand: what the ecosystem corpus reports, shown with the
 * library alone. Each operator is an `async function*`; the signal goes through
 * `[Symbol.asyncIterator](signal)`, ix's way to cancel.
 */
import { describe, expect, it, vi } from 'vitest';
import { from, merge } from 'ix/asynciterable';
import { catchError, filter, finalize, map, take, takeUntil, timeout } from 'ix/asynciterable/operators';
import type { AsyncIterableX } from 'ix/asynciterable';
import { controlled } from '../../helpers/controlled.js';
import { returnWaitsBehindRead } from './generator-operators.js';
import { settled } from './settled.js';

const operators: Record<string, (source: AsyncIterable<number>) => AsyncIterableX<number>> = {
  map: (source) => from(source).pipe(map((x) => x * 2)),
  filter: (source) => from(source).pipe(filter(() => true)),
  take: (source) => from(source).pipe(take(2)),
  catchError: (source) => from(source).pipe(catchError(() => from([-1]))),
  finalize: (source) => from(source).pipe(finalize(() => undefined)),
  takeUntil: (source) => from(source).pipe(takeUntil(() => new Promise<never>(() => undefined))),
  timeout: (source) => from(source).pipe(timeout(60_000)),
  merge: (source) => merge(from(source), from<number>([])),
};
const each = Object.keys(operators);
const make = (name: string, source: AsyncIterable<number>, signal?: AbortSignal): AsyncIterator<number> =>
  operators[name]!(source)[Symbol.asyncIterator](signal);

const make2 = (a: AsyncIterable<number>, b: AsyncIterable<number>): AsyncIterator<number> => merge(from(a), from(b))[Symbol.asyncIterator]();

describe('ix', () => {
  it.each(each)('%s, prompt-settlement and return-bounded: return() waits behind a pending next() on a source it never asks to close, which then resolves with an item', (name) => returnWaitsBehindRead((source) => make(name, source)));

  it.each(each.filter((name) => name !== 'timeout'))('%s, abort-reason: a next() pending at the abort resolves done when the source ends after it', async (name) => {
    const source = controlled<number>();
    const controller = new AbortController();
    const stream = make(name, source, controller.signal);
    const pending = stream.next();
    controller.abort(new Error('stop'));
    source.end();
    expect(await pending).toEqual({ done: true, value: undefined }); // not a rejection with the reason
  });

  it('timeout, abort-reason: a next() pending at the abort rejects with an AbortError of ix, not the reason', async () => {
    const controller = new AbortController();
    const source = controlled<number>();
    const stream = make('timeout', source, controller.signal);
    const pending = stream.next();
    const reason = new Error('stop');
    controller.abort(reason);
    source.end(); // until the source answers, the pending next() does not settle at all
    const error = await pending.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).not.toBe(reason);
    expect((error as Error).name).toBe('AbortError');
  });

  it.each(each)('%s, closed-once: an iterator handed over open is never closed when the signal aborted before the first read', async (name) => {
    const source = controlled<number>();
    const controller = new AbortController();
    controller.abort(new Error('stop'));
    const stream = make(name, source, controller.signal);
    await stream.next().catch(() => undefined);
    expect(source.calls.return).toBe(0);
  });

  it.each(each)('%s, no-error-lost: the close error of the source is dropped when an abort ends the read', async (name) => {
    const closeError = new Error('close failed');
    const controller = new AbortController();
    let closes = 0;
    const source: AsyncIterator<number> & AsyncIterable<number> = {
      next: () => Promise.resolve({ done: false, value: 1 }),
      return: () => (closes++, Promise.reject(closeError)),
      [Symbol.asyncIterator]: () => source,
    };
    const stream = make(name, source, controller.signal);
    const first = stream.next();
    controller.abort(new Error('stop'));
    const error = await first.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(closes).toBe(1); // the source was closed, and its close failed...
    expect((error as { name?: string }).name).toBe('AbortError'); // ...but only ix's AbortError comes out
    expect(await stream.next()).toEqual({ done: true, value: undefined }); // and nothing after it
  });

  it('merge, closed-once and cleanup-order: throw() settles without closing either source', async () => {
    const [a, b] = [controlled<number>(), controlled<number>()];
    const stream = make2(a, b);
    const first = stream.next();
    a.push(1);
    await first;
    await stream.throw!(new Error('thrown in')).catch(() => undefined);
    expect([a.calls.return, b.calls.return]).toEqual([0, 0]);
  });

  it('merge, return-bounded: return() waits on sources whose reads are in flight, and never asks them to close', async () => {
    const [a, b] = [controlled<number>(), controlled<number>()];
    const stream = make2(a, b);
    const pending = stream.next(); // merge waits on both reads
    const closing = stream.return!();
    expect(await settled(closing)).toBe('pending'); // neither source answers: return() never settles
    expect([a.calls.return, b.calls.return]).toEqual([0, 0]);
    a.end(); // let them go, so the test ends clean
    b.end();
    await pending;
    await closing;
  });

  it('timeout, timers-cleared: every item leaves its timer running after the stream has ended', async () => {
    vi.useFakeTimers();
    try {
      const items: number[] = [];
      for await (const x of from([1, 2, 3]).pipe(timeout(1_000))) items.push(x);
      expect(items).toEqual([1, 2, 3]);
      expect(vi.getTimerCount()).toBeGreaterThanOrEqual(3); // one per read, none cleared
    } finally {
      vi.clearAllTimers();
      vi.useRealTimers();
    }
  });

  it.each(['catchError', 'takeUntil'])('%s, closed-once and cleanup-order: return() after a read settles without closing the source', async (name) => {
    const source = controlled<number>();
    const stream = make(name, source);
    const first = stream.next();
    source.push(1);
    await first;
    await stream.return!();
    expect(source.calls.return).toBe(0);
  });
});
