import { describe, expectTypeOf, it } from 'vitest';
import { map, pipe, scoped, type Operator, type Scope, type ScopedFunction, type Source, type Stage } from 'iterscope';

describe('scoped: types', () => {
  it('infers the item type from the body and keeps its parameters after the scope', () => {
    const tokens = scoped(async function* ({ own }, prompt: string, limit: number) {
      for await (const word of own(prompt.split(' '))) if (word.length <= limit) yield word.length;
    });
    expectTypeOf(tokens).toEqualTypeOf<ScopedFunction<[prompt: string, limit: number], number>>();
    expectTypeOf(tokens('a b', 3)).toEqualTypeOf<Stage<number>>();
    // @ts-expect-error: the body's parameters are the function's parameters
    tokens(42);
  });

  it('own() returns a stage of the items of what it owns', () => {
    void scoped(async function* ({ own }: Scope) {
      expectTypeOf(own([Promise.resolve(1)])).toEqualTypeOf<Stage<number>>();
      yield* own(['a']);
    });
  });

  it('with the upstream as its one parameter, it is an operator for pipe', () => {
    const lengths = scoped(async function* ({ own }, source: Source<string>) {
      for await (const s of own(source)) yield s.length;
    });
    expectTypeOf(lengths).toExtend<Operator<string, number>>();
    expectTypeOf(pipe(['a'], lengths, map((n) => n > 0))).toEqualTypeOf<Stage<boolean>>();
  });
});
