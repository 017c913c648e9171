/**
 * Two reproductions that hold for every operator written as an `async function*` (IxJS,
 * it-map/it-filter, streaming-iterables `map`): each library's file runs them on its own
 * operators, by the names the verdict table links to.
 */
import { expect } from 'vitest';
import { controlled } from '../../helpers/controlled.js';
import { settled } from './settled.js';

type Make = (source: AsyncIterable<number>) => AsyncIterator<number>;

/** prompt-settlement and return-bounded: return() waits behind a pending next() on a source it never asks to close, which then resolves with an item. */
export async function returnWaitsBehindRead(make: Make): Promise<void> {
  const source = controlled<number>();
  const stream = make(source);
  const pending = stream.next();
  const closing = stream.return!();
  expect(await settled(closing)).toBe('pending'); // queued behind the read...
  expect(source.calls.return).toBe(0); // ...and the source is not told
  source.push(1);
  expect((await pending).done).toBe(false); // an item, after return() was called
  await closing;
}

/** no-error-lost: throw() closes the source, whose close fails, and only the error thrown in comes out. */
export async function throwDropsCloseError(make: Make): Promise<void> {
  const closeError = new Error('close failed');
  let closes = 0;
  const source: AsyncIterator<number> & AsyncIterable<number> = {
    next: () => Promise.resolve({ done: false, value: 1 }),
    return: () => (closes++, Promise.reject(closeError)),
    [Symbol.asyncIterator]: () => source,
  };
  const stream = make(source);
  await stream.next();
  const thrown = new Error('thrown in');
  const error = await stream.throw!(thrown).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(closes).toBe(1); // the source was closed, and its close failed...
  expect(error).toBe(thrown); // ...but only the error thrown in comes out
}
