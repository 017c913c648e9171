import { describe, expect, it } from 'vitest';
import { flatMap, pipe } from 'iterscope';
import { kSourceScope, type SourceScope } from 'iterscope/internal';

// C8: a source that offers a scope (traced, bindContext) has flatMap open, read and close
// its inner sources inside that scope; core only runs functions through it.

function scopedSource(items: string[]): { source: AsyncIterable<string>; inScope: () => boolean } {
  let depth = 0;
  const scope: SourceScope = {
    run(fn) {
      depth++;
      try {
        return fn();
      } finally {
        depth--;
      }
    },
  };
  const source = {
    [kSourceScope]: scope,
    async *[Symbol.asyncIterator]() {
      yield* items;
    },
  };
  return { source, inScope: () => depth > 0 };
}

describe('flatMap and the scope its source offers', () => {
  it('calls fn, opens, reads and closes each inner inside the scope', async () => {
    const { source, inScope } = scopedSource(['a', 'b']);
    const seen: string[] = [];
    const inner = (x: string): AsyncIterableIterator<string> => {
      seen.push(`fn ${x} ${String(inScope())}`);
      let n = 0;
      const it: AsyncIterableIterator<string> = {
        [Symbol.asyncIterator]: () => it,
        next: async () => {
          seen.push(`next ${x} ${String(inScope())}`);
          return n++ < 2 ? { done: false, value: x } : { done: true, value: undefined };
        },
        return: async () => {
          seen.push(`return ${x} ${String(inScope())}`);
          return { done: true, value: undefined };
        },
      };
      return it;
    };
    const out: string[] = [];
    for await (const x of pipe(source, flatMap(inner))) {
      out.push(x);
      if (out.length === 3) break;
    }
    expect(out).toEqual(['a', 'a', 'b']);
    expect(seen).toEqual([
      'fn a true', 'next a true', 'next a true', 'next a true',
      'fn b true', 'next b true', 'return b true',
    ]);
  });

  it('a source without a scope: nothing changes', async () => {
    const out: number[] = [];
    for await (const x of pipe([1, 2], flatMap((n: number) => [n, n * 10]))) out.push(x);
    expect(out).toEqual([1, 10, 2, 20]);
  });

  it.each([
    ['null', null],
    ['a number', 5],
    ['an object without run', {}],
    ['an object whose run is not a function', { run: 'fn' }],
    ['a function with a run method', Object.assign(() => undefined, { run: () => 'hijacked' })],
  ])('a value that is no scope at the scope key (%s) is ignored', async (_label, notAScope) => {
    const source = {
      [kSourceScope]: notAScope,
      *[Symbol.iterator]() {
        yield* [1, 2];
      },
    };
    const out: number[] = [];
    for await (const x of pipe(source, flatMap((n: number) => [n, n * 10]))) out.push(x);
    expect(out).toEqual([1, 10, 2, 20]);
  });
});
