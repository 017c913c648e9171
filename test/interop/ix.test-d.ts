import { describe, expectTypeOf, it } from 'vitest';
import { from as ixFrom, type AsyncIterableX } from 'ix/asynciterable';
import { map as ixMap } from 'ix/asynciterable/operators';
import { filter, flatMap, map, pipe, take, type Stage } from 'iterscope';

describe('iterscope operators in AsyncIterableX#pipe', () => {
  it('one operator infers its item type from the ix source', () => {
    expectTypeOf(ixFrom([1, 2, 3]).pipe(map((x) => x * 2))).toEqualTypeOf<Stage<number>>();
    expectTypeOf(ixFrom([1, 2, 3]).pipe(map((x) => String(x)))).toEqualTypeOf<Stage<string>>();
  });

  it('a chain that keeps the item type type-checks as is', () => {
    // filter is overloaded (type guards), so its parameter is annotated here.
    expectTypeOf(ixFrom([1, 2, 3]).pipe(take(2), filter((x: number) => x > 1))).toEqualTypeOf<Stage<number>>();
  });

  it('a chain that changes type goes in as one composed function', () => {
    const out = ixFrom([1, 2, 3]).pipe((s) =>
      pipe(
        s,
        map((x: number) => String(x)),
        flatMap((x: string) => [x, x]),
      ),
    );
    expectTypeOf(out).toEqualTypeOf<Stage<string>>();
  });
});

describe('ix in iterscope pipe', () => {
  it('an ix iterable is a source, and ix operators follow iterscope stages', () => {
    expectTypeOf(pipe(ixFrom([1, 2]), map((x) => x + 1))).toEqualTypeOf<Stage<number>>();
    const mixed = pipe(
      ixFrom([1, 2]),
      map((x) => x + 1),
      ixMap((x: number) => `${String(x)}!`),
    );
    expectTypeOf(mixed).toEqualTypeOf<AsyncIterableX<string>>();
  });

  it('our own pipe inference is unchanged', () => {
    expectTypeOf(pipe([1, 2], map((x) => String(x)), filter((s) => s.length > 0))).toEqualTypeOf<Stage<string>>();
  });
});
