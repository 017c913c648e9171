/**
 * graphql-js 16 `mapAsyncIterator`, driven by hand: what the ecosystem corpus reports, shown
 * with the library alone.
 */
import { describe, expect, it } from 'vitest';
import { mapAsyncIterator } from 'graphql/execution/mapAsyncIterator.js';
import { controlled } from '../../helpers/controlled.js';
import { settled } from './settled.js';

describe('graphql mapAsyncIterator', () => {
  it('lazy-open: opens its source when called, before the first next()', () => {
    let opened = 0;
    const source = { [Symbol.asyncIterator]: () => (opened++, controlled<number>()) };
    mapAsyncIterator(source, (x: number) => x);
    expect(opened).toBe(1); // nobody has read yet
  });

  it('prompt-settlement: a next() pending at return() resolves with an item the source gives after the close', async () => {
    const source = controlled<number>();
    const mapped = mapAsyncIterator(source, (x: number) => x * 2);
    const pending = mapped.next();
    await mapped.return(undefined);
    source.push(1); // the source answers the read made before the close
    expect(await pending).toEqual({ done: false, value: 2 }); // an item, not done, after return() settled
  });

  it('prompt-settlement: a next() pending at return() stays pending while the source does not answer', async () => {
    const source = controlled<number>(); // its return() answers at once, its pending read never does
    const mapped = mapAsyncIterator(source, (x: number) => x * 2);
    const pending = mapped.next();
    await mapped.return(undefined);
    expect(source.calls.return).toBe(1); // graphql did ask the source to close...
    expect(await settled(pending)).toBe('pending'); // ...but leaves the consumer's read waiting on it
    source.end(); // let it go, so the test ends clean
    await pending;
  });

  it('no-error-lost: throw() on a source without throw() closes it and drops the close error', async () => {
    const closeError = new Error('close failed');
    const source: AsyncIterator<number> & AsyncIterable<number> = {
      next: () => Promise.resolve({ done: true, value: undefined }),
      return: () => Promise.reject(closeError),
      [Symbol.asyncIterator]: () => source,
    };
    const mapped = mapAsyncIterator(source, (x: number) => x);
    const thrown = new Error('thrown in');
    const seen = await mapped.throw(thrown).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(seen).toBe(thrown); // the close error is in neither this rejection nor anywhere else
  });
});
