import { describe, expect, it } from 'vitest';
import { aclosing, filter, map, pipe, take } from 'iterscope';

async function collect<T>(source: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of source) out.push(x);
  return out;
}

describe('map, filter, take', () => {
  it('map passes the index and accepts async callbacks', async () => {
    expect(await collect(pipe(['a', 'b', 'c'], map((s: string, i) => `${String(i)}${s}`)))).toEqual(['0a', '1b', '2c']);
    expect(await collect(pipe([1, 2, 3], map(async (x: number) => {
      await new Promise((r) => setTimeout(r, 3 - x));
      return x * 2;
    })))).toEqual([2, 4, 6]);
  });

  it('filter passes the index of every item read, and accepts async predicates', async () => {
    const indexes: number[] = [];
    const kept = await collect(pipe([5, 6, 7, 8], filter((x: number, i) => {
      indexes.push(i);
      return x % 2 === 0;
    })));
    expect(kept).toEqual([6, 8]);
    expect(indexes).toEqual([0, 1, 2, 3]);
    expect(await collect(pipe([1, 2, 3, 4], filter(async (x: number) => x > 2)))).toEqual([3, 4]);
  });

  it('filter skips long runs without growing the stack', async () => {
    const many = Array.from({ length: 50_000 }, (_, i) => i);
    expect(await collect(pipe(many, filter((x: number) => x === 49_999)))).toEqual([49_999]);
  });

  it('take passes exactly count items', async () => {
    expect(await collect(pipe([1, 2, 3, 4], take<number>(2)))).toEqual([1, 2]);
    expect(await collect(pipe([1, 2], take<number>(5)))).toEqual([1, 2]);
    expect(await collect(pipe([1, 2], take<number>(Infinity)))).toEqual([1, 2]);
  });

  it('pipe(source) is aclosing(source)', async () => {
    expect(await collect(pipe([1, 2]))).toEqual(await collect(aclosing([1, 2])));
  });

  it('stages are their own async iterator, like generator objects', () => {
    const stage = aclosing([1]);
    expect(stage[Symbol.asyncIterator]()).toBe(stage);
  });

  it('return(value) resolves to { done: true, value }, like a generator object\'s, before and after the end', async () => {
    const open = aclosing([1, 2]);
    expect(await open.next()).toEqual({ done: false, value: 1 });
    expect(await open.return('bye')).toEqual({ done: true, value: 'bye' });
    expect(await open.return()).toEqual({ done: true, value: undefined });
    const finished = aclosing([1]);
    await collect(finished);
    expect(await finished.return(7)).toEqual({ done: true, value: 7 });
  });

  it('throw(error) closes the stage and rejects with that error; disposing resolves to undefined', async () => {
    const error = new Error('consumer gave up');
    const thrown = aclosing([1, 2]);
    await expect(thrown.throw(error)).rejects.toBe(error);
    expect(await thrown.next()).toEqual({ done: true, value: undefined });
    const disposed = aclosing([1, 2]);
    const disposal: PromiseLike<unknown> = disposed[Symbol.asyncDispose]();
    expect(await disposal).toBeUndefined();
    expect(await disposed.next()).toEqual({ done: true, value: undefined });
  });
});
