/**
 * Repeater 3.1's `Repeater.merge`, driven by hand: what the ecosystem corpus reports, shown
 * with the library alone. It opens its sources when called, and closes them from inside the
 * repeater's executor, which only runs once the merge is read.
 */
import { describe, expect, it } from 'vitest';
import { Repeater } from '@repeaterjs/repeater';
import { controlled } from '../../helpers/controlled.js';
import { withUnhandledSetAside } from '../contain.js';
import { settled } from './settled.js';

/** A promise made when its item is read, rejecting a tick later (not yet rejected when read). */
async function rejectsSoon(error: Error): Promise<number> {
  await Promise.resolve();
  throw error;
}

describe('Repeater.merge', () => {
  it('lazy-open: opens its sources when called, before the first next()', () => {
    let opened = 0;
    const source = { [Symbol.asyncIterator]: () => (opened++, controlled<number>()) };
    Repeater.merge([source, source]);
    expect(opened).toBe(2); // nobody has read yet
  });

  it('closed-once and cleanup-order: throw() or return() before the first read leaves the sources it opened open', async () => {
    for (const end of ['throw', 'return'] as const) {
      const [a, b] = [controlled<number>(), controlled<number>()];
      const merged = Repeater.merge([a, b]);
      await (end === 'throw' ? merged.throw(new Error('thrown in')) : merged.return()).catch(() => undefined);
      expect([a.calls.return, b.calls.return]).toEqual([0, 0]);
    }
  });

  it('no-error-lost: when a read fails and closing another source fails too, the close error replaces the read error', async () => {
    const readError = new Error('read failed');
    const closeError = new Error('close failed');
    const failing: AsyncIterable<number> = {
      [Symbol.asyncIterator]: () => ({ next: () => Promise.reject(readError) }),
    };
    const other: AsyncIterable<number> = {
      [Symbol.asyncIterator]: () => ({
        next: () => Promise.resolve({ done: false, value: 1 }),
        return: () => Promise.reject(closeError),
      }),
    };
    const merged = Repeater.merge([failing, other]);
    const seen: unknown[] = [];
    for (let i = 0; i < 3; i++) await merged.next().catch((error: unknown) => seen.push(error));
    expect(seen).toEqual([closeError]); // the read error is nowhere
  });

  it('no-unhandled-rejection: a rejected item of a sync source, read after return(), is an unhandled rejection', async () => {
    const itemError = new Error('item rejected');
    let reads = 0;
    // A sync source whose second item is a promise made when it is read, rejecting a tick later.
    const source: Iterable<number | Promise<number>> = {
      [Symbol.iterator]: () => ({
        next: () => {
          reads++;
          if (reads === 1) return { done: false, value: 0 };
          if (reads === 2) return { done: false, value: rejectsSoon(itemError) };
          return { done: true, value: undefined };
        },
      }),
    };
    // Contained (the rejection is what this test shows): see withUnhandledSetAside.
    const unhandled = await withUnhandledSetAside(async (seen) => {
      const empty: AsyncIterable<number> = { [Symbol.asyncIterator]: () => ({ next: () => Promise.resolve({ done: true, value: undefined }) }) };
      const merged = Repeater.merge([source as Iterable<number>, empty]);
      expect(await merged.next()).toEqual({ done: false, value: 0 });
      await merged.return(); // the second item is already read: Repeater holds its promise
      return seen;
    });
    expect(reads).toBe(2); // Repeater read the rejecting item...
    expect(unhandled).toEqual([itemError]); // ...and left its rejection unhandled
  });

  it('prompt-settlement: a next() pending at return() waits until every source has finished closing', async () => {
    let finishClose!: () => void;
    const closing = new Promise<void>((resolve) => (finishClose = resolve));
    // A source that has nothing to say yet, and whose close takes its time.
    const slow: AsyncIterable<number> = {
      [Symbol.asyncIterator]: () => ({
        next: () => new Promise<never>(() => undefined),
        return: async () => {
          await closing;
          return { done: true, value: undefined };
        },
      }),
    };
    const empty: AsyncIterable<number> = { [Symbol.asyncIterator]: () => ({ next: () => Promise.resolve({ done: true, value: undefined }) }) };
    const merged = Repeater.merge([slow, empty]);
    const pending = merged.next();
    const closed = merged.return();
    expect(await settled(pending)).toBe('pending'); // the close came, the read still waits...
    finishClose();
    expect(await pending).toEqual({ done: true, value: undefined }); // ...for the source's close
    await closed;
  });

  it('return-bounded: return() waits on a pending item of a sync source that has already finished', async () => {
    let release!: (value: number) => void;
    const item = new Promise<number>((resolve) => (release = resolve));
    let reads = 0;
    // A sync source of one item, a promise that settles only when the test says.
    const source: Iterable<number | Promise<number>> = {
      [Symbol.iterator]: () => ({
        next: () => (reads++ === 0 ? { done: false, value: item } : { done: true, value: undefined }),
      }),
    };
    const empty: AsyncIterable<number> = { [Symbol.asyncIterator]: () => ({ next: () => Promise.resolve({ done: true, value: undefined }) }) };
    const merged = Repeater.merge([source as Iterable<number>, empty]);
    void merged.next();
    await settled(Promise.resolve());
    const closed = merged.return();
    expect(await settled(closed)).toBe('pending');
    expect(reads).toBe(2); // the source has reported done: nothing is left to close...
    release(1); // ...and return() waited on its item all along
    expect(await closed).toEqual({ done: true, value: undefined });
  });
});
