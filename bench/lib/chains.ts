/**
 * The pipelines the suites compare, built the same way for every library: a source of
 * `n` numbers, then map(x + 1) → filter(even) → map(x * 2).
 */
import { Repeater } from '@repeaterjs/repeater';
import { from as ixFrom } from 'ix/asynciterable';
import { filter as ixFilter, map as ixMap } from 'ix/asynciterable/operators';
import itFilter from 'it-filter';
import itMap from 'it-map';
import { filter as siFilter, map as siMap } from 'streaming-iterables';
import { filter, map, pipe } from 'iterscope';

export const inc = (x: number): number => x + 1;
export const even = (x: number): boolean => x % 2 === 0;
export const dbl = (x: number): number => x * 2;

/** A minimal async source: a hand-written iterator over 0..n-1 (no guarantees). */
export function counter(n: number): AsyncIterableIterator<number> {
  let i = 0;
  const it: AsyncIterableIterator<number> = {
    [Symbol.asyncIterator]() {
      return it;
    },
    next() {
      return Promise.resolve(i < n ? { done: false, value: i++ } : { done: true, value: undefined });
    },
    return() {
      i = n;
      return Promise.resolve({ done: true, value: undefined });
    },
  };
  return it;
}

export async function* genMap<T, U>(source: AsyncIterable<T>, fn: (x: T) => U): AsyncGenerator<U> {
  for await (const x of source) yield fn(x);
}
export async function* genFilter<T>(source: AsyncIterable<T>, fn: (x: T) => boolean): AsyncGenerator<T> {
  for await (const x of source) if (fn(x)) yield x;
}

/** An array as an async generator: the way a generator chain reads one (`sync-array`). */
export async function* fromArray<T>(items: readonly T[]): AsyncGenerator<T> {
  for (const x of items) yield x;
}

/** Hand-written map: one `then` per item, no closing, no abort, no error handling. */
class HandMap<T, U> implements AsyncIterableIterator<U> {
  constructor(
    private readonly source: AsyncIterator<T>,
    private readonly fn: (x: T) => U,
  ) {}
  [Symbol.asyncIterator](): this {
    return this;
  }
  next(): Promise<IteratorResult<U>> {
    return this.source.next().then(this.onResult);
  }
  private readonly onResult = (r: IteratorResult<T>): IteratorResult<U> =>
    r.done === true ? r : { done: false, value: this.fn(r.value) };
}
class HandFilter<T> implements AsyncIterableIterator<T> {
  constructor(
    private readonly source: AsyncIterator<T>,
    private readonly fn: (x: T) => boolean,
  ) {}
  [Symbol.asyncIterator](): this {
    return this;
  }
  next(): Promise<IteratorResult<T>> {
    return this.source.next().then(this.onResult);
  }
  private readonly onResult = (r: IteratorResult<T>): IteratorResult<T> | Promise<IteratorResult<T>> =>
    r.done === true || this.fn(r.value) ? r : this.next();
}

/**
 * The floor: the three steps in one hand-written iterator that makes its own promise for
 * each next() and reads its source with one `then`, settling that promise from the read.
 * That is the least a stage costs that can settle a pending next() from outside at once
 * (C2: a `then` chained on the source cannot be settled by a close); it has no closing,
 * no abort and no error handling. A step answers SKIP to read another item (filter).
 */
const SKIP = Symbol('skip');
class OneIterator implements AsyncIterableIterator<number> {
  private resolve: ((result: IteratorResult<number>) => void) | undefined;
  constructor(
    private readonly source: AsyncIterator<number>,
    private readonly steps: readonly ((x: number) => number | typeof SKIP)[],
  ) {}
  [Symbol.asyncIterator](): this {
    return this;
  }
  next(): Promise<IteratorResult<number>> {
    return new Promise((resolve) => {
      this.resolve = resolve;
      this.read();
    });
  }
  private read(): void {
    void this.source.next().then(this.onResult);
  }
  private answer(result: IteratorResult<number>): void {
    const resolve = this.resolve;
    this.resolve = undefined;
    resolve?.(result);
  }
  private readonly onResult = (r: IteratorResult<number>): void => {
    if (r.done === true) {
      this.answer(r);
      return;
    }
    let value: number | typeof SKIP = r.value;
    for (const step of this.steps) {
      value = step(value);
      if (value === SKIP) {
        this.read();
        return;
      }
    }
    this.answer({ done: false, value });
  };
}

type Chain = (source: AsyncIterable<number>) => AsyncIterable<number> | AsyncIterator<number>;

export const chains: Record<string, Chain> = {
  iterscope: (s) => pipe(s, map(inc), filter(even), map(dbl)),
  // The same operators applied one by one, outside pipe: three stages, no fusion.
  'iterscope, unfused': (s) => map(dbl)(filter(even)(map(inc)(s))),
  'async generators': (s) => genMap(genFilter(genMap(s, inc), even), dbl),
  'hand-written': (s) => new HandMap(new HandFilter(new HandMap(s[Symbol.asyncIterator](), inc), even), dbl),
  'the floor: one hand-written iterator': (s) => new OneIterator(s[Symbol.asyncIterator](), [inc, (x) => (even(x) ? x : SKIP), dbl]),
  IxJS: (s) => ixFrom(s).pipe(ixMap(inc), ixFilter(even), ixMap(dbl)),
  'streaming-iterables': (s) => siMap(dbl, siFilter(even, siMap(inc, s))),
  'it-map/it-filter': (s) => itMap(itFilter(itMap(s, inc), even), dbl),
  Repeater: (s) => repeaterMap(repeaterFilter(repeaterMap(s, inc), even), dbl),
};

function repeaterMap<T, U>(source: AsyncIterable<T>, fn: (x: T) => U): Repeater<U> {
  return new Repeater<U>(async (push, stop) => {
    for await (const x of source) await push(fn(x));
    stop();
  });
}
function repeaterFilter<T>(source: AsyncIterable<T>, fn: (x: T) => boolean): Repeater<T> {
  return new Repeater<T>(async (push, stop) => {
    for await (const x of source) if (fn(x)) await push(x);
    stop();
  });
}

/**
 * The same chain over a plain array: iterscope reads it directly (a sync iterable), the
 * generator chain through `for await` over an `async function*` that yields it.
 */
export const arrayChains: Record<string, (items: number[]) => AsyncIterable<number>> = {
  iterscope: (items) => pipe(items, map(inc), filter(even), map(dbl)),
  'async generators': (items) => genMap(genFilter(genMap(fromArray(items), inc), even), dbl),
};
