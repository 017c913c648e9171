/**
 * it-map 3 and it-filter 3, driven by hand: what the ecosystem corpus reports, shown with
 * the libraries alone. Both are `async function*` over `for await`.
 */
import { describe, expect, it } from 'vitest';
import itFilter from 'it-filter';
import itMap from 'it-map';
import { controlled } from '../../helpers/controlled.js';
import { settled } from './settled.js';

const operators: Record<string, (source: AsyncIterable<number>) => AsyncIterator<number>> = {
  'it-map': (source) => itMap(source, (x) => x * 2)[Symbol.asyncIterator](),
  'it-filter': (source) => itFilter(source, () => true)[Symbol.asyncIterator](),
};
const each = Object.keys(operators);
const make = (name: string, source: AsyncIterable<number>): AsyncIterator<number> => operators[name]!(source);

describe('it-map and it-filter', () => {
  it.each(each)('%s, prompt-settlement and return-bounded: return() waits behind a pending next() on a source it never asks to close, which then resolves with an item', async (name) => {
    const source = controlled<number>();
    const stream = make(name, source);
    const pending = stream.next();
    const closing = stream.return!();
    expect(await settled(closing)).toBe('pending'); // queued behind the read...
    expect(source.calls.return).toBe(0); // ...and the source is not told
    source.push(1);
    expect((await pending).done).toBe(false); // an item, after return() was called
    await closing;
  });

  it.each(each)('%s, no-error-lost: throw() drops the close error of the source', async (name) => {
    const closeError = new Error('close failed');
    let closes = 0;
    const source: AsyncIterator<number> & AsyncIterable<number> = {
      next: () => Promise.resolve({ done: false, value: 1 }),
      return: () => (closes++, Promise.reject(closeError)),
      [Symbol.asyncIterator]: () => source,
    };
    const stream = make(name, source);
    await stream.next();
    const thrown = new Error('thrown in');
    const error = await stream.throw!(thrown).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(closes).toBe(1); // the source was closed, and its close failed...
    expect(error).toBe(thrown); // ...but only the error thrown in comes out
  });
});
