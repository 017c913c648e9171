/**
 * streaming-iterables 8, driven by hand: what the ecosystem corpus reports, shown with the
 * library alone. `map` is an `async function*` over `for await`; `merge` (an `async function*`
 * typed as a plain `AsyncIterable`) reads its sources with `next()` and never closes them;
 * `buffer` is a hand-written iterator with `next()` only.
 */
import { describe, expect, it } from 'vitest';
import { buffer, map, merge } from 'streaming-iterables';
import { controlled } from '../../helpers/controlled.js';
import { returnWaitsBehindRead, throwDropsCloseError } from './generator-operators.js';
import { settled } from './settled.js';

describe('streaming-iterables', () => {
  it('map, prompt-settlement and return-bounded: return() waits behind a pending next() on a source it never asks to close, which then resolves with an item', () => returnWaitsBehindRead((source) => map((x: number) => x * 2, source)));

  it('map, no-error-lost: throw() drops the close error of the source', () => throwDropsCloseError((source) => map((x: number) => x, source)));

  it('merge, closed-once and cleanup-order: throw() and return() settle without closing the sources', async () => {
    for (const end of ['throw', 'return'] as const) {
      const [a, b] = [controlled<number>(), controlled<number>()];
      const stream = merge(a, b) as AsyncGenerator<number>;
      const first = stream.next();
      a.push(1);
      await first;
      await (end === 'throw' ? stream.throw(new Error('thrown in')) : stream.return(undefined)).catch(() => undefined);
      expect([a.calls.return, b.calls.return]).toEqual([0, 0]);
    }
  });

  it('merge, prompt-settlement and return-bounded: return() waits behind a pending next() on a source it never asks to close, which then resolves with an item', async () => {
    const [a, b] = [controlled<number>(), controlled<number>()];
    const stream = merge(a, b) as AsyncGenerator<number>;
    const pending = stream.next(); // reads a first
    const closing = stream.return(undefined);
    expect(await settled(closing)).toBe('pending'); // queued behind the read...
    expect(a.calls.return).toBe(0); // ...and the source is not told
    a.push(1);
    expect((await pending).done).toBe(false); // an item, after return() was called
    await closing;
  });

  it('buffer, lazy-open: opens its source when called, before the first next()', () => {
    let opened = 0;
    const source = { [Symbol.asyncIterator]: () => (opened++, controlled<number>()) };
    buffer(2, source);
    expect(opened).toBe(1); // nobody has read yet
  });

  it('buffer, closed-once and cleanup-order: it has no return(), so a loop that breaks leaves the source open', async () => {
    const source = controlled<number>();
    const buffered = buffer(2, source) as AsyncIterableIterator<number>;
    expect(buffered.return).toBeUndefined();
    source.push(1);
    for await (const x of buffered) if (x === 1) break;
    expect(source.calls.return).toBe(0);
  });

  it('buffer, no-error-lost: an error read ahead is dropped when the consumer stops', async () => {
    const readError = new Error('read failed');
    const source = controlled<number>();
    source.push(1);
    source.fail(readError); // read ahead while the consumer holds item 1
    const seen: unknown[] = [];
    try {
      for await (const x of buffer(2, source)) {
        await settled(Promise.resolve()); // let the read ahead happen
        if (x === 1) break;
      }
    } catch (error) {
      seen.push(error);
    }
    expect(source.calls.next).toBeGreaterThanOrEqual(2); // the failing read was made...
    expect(seen).toEqual([]); // ...and its error reached nobody (there is no other channel)
  });
});
