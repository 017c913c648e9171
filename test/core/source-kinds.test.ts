import { describe, expect, it } from 'vitest';
import { aclosing, map, pipe, toArray } from 'iterscope';
import { outcome } from '../helpers/contract.js';

// What a stage accepts as its source, and how each kind is opened and read (source.ts).

describe('sources: sync iterators are read the way `for await` reads them', () => {
  it('a sync generator object handed in open has its promised items awaited, in order, before any step sees them', async () => {
    function* promised(): Generator<number | Promise<number>> {
      yield Promise.resolve(1);
      yield 2;
      yield Promise.resolve(3);
    }
    const seen: unknown[] = [];
    const stage = pipe(
      promised() as unknown as Iterable<number>,
      map((x: number) => {
        seen.push(x);
        return x * 10;
      }),
    );
    expect(await toArray(stage)).toEqual([10, 20, 30]);
    expect(seen).toEqual([1, 2, 3]);
  });

  it('an iterator that is both async and sync iterable is read as an async one', async () => {
    let i = 0;
    const both = {
      next: (): Promise<IteratorResult<number>> => Promise.resolve(i < 2 ? { done: false, value: ++i } : { done: true, value: undefined }),
      [Symbol.asyncIterator]() {
        return this;
      },
      [Symbol.iterator]() {
        return this;
      },
    };
    const stage = aclosing(both as AsyncIterableIterator<number>);
    expect(await stage.next()).toEqual({ done: false, value: 1 });
    expect(await stage.next()).toEqual({ done: false, value: 2 });
    expect(await stage.next()).toEqual({ done: true, value: undefined });
  });

  it('a sync iterator whose next() throws fails the read with that error', async () => {
    const error = new Error('next failed');
    const source: Iterable<number> = {
      [Symbol.iterator]: () => ({
        next: (): IteratorResult<number> => {
          throw error;
        },
      }),
    };
    expect(await outcome(aclosing(source).next())).toEqual({ ok: false, value: error });
  });

  it('a sync iterator whose next() returns a non-object fails the read with a TypeError showing it', async () => {
    const source = { [Symbol.iterator]: () => ({ next: () => 3 }) } as unknown as Iterable<number>;
    const { ok, value } = await outcome(aclosing(source).next());
    expect(ok).toBe(false);
    expect(value).toBeInstanceOf(TypeError);
    expect((value as TypeError).message).toBe("The source's iterator returned `3` (number) from next(), not an object.");
  });

  it('an item that rejects fails the read with that very error, also when the iterator has no return()', async () => {
    const error = new Error('item failed');
    const rejected = Promise.reject(error);
    rejected.catch(() => undefined);
    const source: Iterable<number | Promise<number>> = {
      [Symbol.iterator]: () => ({ next: (): IteratorResult<Promise<number>> => ({ done: false, value: rejected }) }),
    };
    const stage = aclosing(source);
    expect(await outcome(stage.next())).toEqual({ ok: false, value: error });
    expect(await stage.next()).toEqual({ done: true, value: undefined });
  });
});

describe('sources: what next() returns', () => {
  it('a promise of a subclass is awaited the way Promise.resolve awaits it: through its own then, in a job of its own', async () => {
    // Promise.resolve hands back only a promise whose constructor is Promise; a subclass's
    // is adopted, its `then` called later, never inside the consumer's next().
    let inNext = false;
    const thens: boolean[] = [];
    class Traced<T> extends Promise<T> {
      override then<A = T, B = never>(
        onFulfilled?: ((value: T) => A | PromiseLike<A>) | null,
        onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
      ): Promise<A | B> {
        thens.push(inNext);
        return super.then(onFulfilled, onRejected);
      }
    }
    let i = 0;
    const source = {
      next: (): Promise<IteratorResult<number>> =>
        Traced.resolve(i < 3 ? { done: false as const, value: i++ } : { done: true as const, value: undefined }),
    };
    const stage = pipe(source, map((x: number) => x * 2));
    const items: number[] = [];
    for (;;) {
      inNext = true;
      const pending = stage.next();
      inNext = false;
      const result = await pending;
      if (result.done === true) break;
      items.push(result.value);
    }
    expect(items).toEqual([0, 2, 4]);
    expect(thens.length).toBeGreaterThanOrEqual(4);
    expect(thens.filter((during) => during)).toEqual([]);
  });
});

describe('sources: iterables and what their opener returns', () => {
  it('a function that is also async iterable is a source', async () => {
    const feed = Object.assign(() => 'callable too', {
      async *[Symbol.asyncIterator](): AsyncGenerator<string> {
        yield 'a';
        yield 'b';
      },
    });
    expect(await toArray(aclosing(feed))).toEqual(['a', 'b']);
  });

  it('C3: only an opener that declares a parameter is handed a close signal', async () => {
    const received: { declared: unknown[]; undeclared: unknown[] } = { declared: [], undeclared: [] };
    const declares = {
      [Symbol.asyncIterator](signal?: AbortSignal): AsyncIterator<number> {
        received.declared.push(signal);
        return { next: () => Promise.resolve({ done: true, value: undefined }) };
      },
    };
    const undeclared = {
      [Symbol.asyncIterator](...args: unknown[]): AsyncIterator<number> {
        received.undeclared.push(...args);
        return { next: () => Promise.resolve({ done: true, value: undefined }) };
      },
    };
    await toArray(aclosing(declares));
    await toArray(aclosing(undeclared, { signal: new AbortController().signal }));
    expect(received.declared).toHaveLength(1);
    expect(received.declared[0]).toBeInstanceOf(AbortSignal);
    expect(received.undeclared.every((arg) => arg === undefined)).toBe(true);
  });

  it.each([
    ['[Symbol.asyncIterator]', 'an object', { [Symbol.asyncIterator]: () => ({ read: () => 1 }) }],
    ['[Symbol.iterator]', 'an object', { [Symbol.iterator]: () => ({ read: () => 1 }) }],
    ['[Symbol.iterator]', '`5` (number)', { [Symbol.iterator]: () => 5 }],
  ])('a %s() that returns %s fails the first read, naming the stage', async (method, shown, source) => {
    const stage = aclosing(source as unknown as Iterable<number>);
    const { ok, value } = await outcome(stage.next());
    expect(ok).toBe(false);
    expect(value).toBeInstanceOf(TypeError);
    expect((value as TypeError).message).toBe(`aclosing: the source's ${method}() returned ${shown}, not an iterator.`);
  });
});
