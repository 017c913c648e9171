import { describe, expectTypeOf, it } from 'vitest';
import { defineOperator, many, map, pipe, skip, stop, type Exit, type Operator, type Stage, type StageOptions } from 'iterscope';

describe('defineOperator types', () => {
  it('infers input and output items from step, and pipe carries them on', () => {
    const lengths = defineOperator('lengths', { step: (s: string) => s.length });
    expectTypeOf(lengths).toEqualTypeOf<Operator<string, number>>();
    expectTypeOf(pipe(['a'], lengths, map((n) => n + 1))).toEqualTypeOf<Stage<number>>();
  });

  it('drops skip and stop from the output type, and unwraps promises', () => {
    const evens = defineOperator('evens', { step: (x: number) => (x % 2 === 0 ? x : skip) });
    expectTypeOf(evens).toEqualTypeOf<Operator<number, number>>();
    const upTo = defineOperator('upTo', { step: async (x: number) => (x > 3 ? stop : String(x)) });
    expectTypeOf(upTo).toEqualTypeOf<Operator<number, string>>();
  });

  it('infers the output from many(), from step and flush alike', () => {
    const words = defineOperator('words', { step: (line: string) => many(line.split(' ')), flush: () => many(['end']) });
    expectTypeOf(words).toEqualTypeOf<Operator<string, string>>();
    // @ts-expect-error many of numbers where step answers strings
    defineOperator('mixed', { step: (line: string) => line, flush: () => many([1]) });
  });

  it('without step, passes items unchanged', () => {
    const logged = defineOperator<number>('logged', { cleanup: (exit) => exit.outcome });
    expectTypeOf(logged).toEqualTypeOf<Operator<number, number>>();
  });

  it('types the state from start in step, flush and cleanup', () => {
    const pairs = defineOperator('pairs', {
      start: () => ({ held: [] as number[] }),
      step: (x: number, index, state) => {
        expectTypeOf(index).toEqualTypeOf<number>();
        expectTypeOf(state).toEqualTypeOf<{ held: number[] }>();
        state.held.push(x);
        return state.held.length === 2 ? state.held.splice(0) : skip;
      },
      flush: (state) => (state.held.length > 0 ? state.held.splice(0) : stop),
      cleanup: (exit, state) => {
        expectTypeOf(exit).toEqualTypeOf<Exit>();
        expectTypeOf(state).toEqualTypeOf<{ held: number[] }>();
      },
    });
    expectTypeOf(pairs).toEqualTypeOf<Operator<number, number[]>>();
  });

  it('a generic operator function keeps its type parameter', () => {
    function every<T>(n: number, options?: StageOptions): Operator<T, T> {
      return defineOperator('every', { step: (x: T, i) => (i % n === 0 ? x : skip) }, options);
    }
    expectTypeOf(pipe(['a', 'b'], every(2))).toEqualTypeOf<Stage<string>>();
  });

  it('rejects a step typed for another item, at that operator', () => {
    const half = defineOperator('half', { step: (x: number) => x / 2 });
    // @ts-expect-error half expects numbers, the source yields strings
    pipe(['a'], half);
    // @ts-expect-error the second operator expects numbers, the first yields strings
    pipe([1], map((x: number) => String(x)), half);
  });

  it('rejects a flush answering another type than step, or skip', () => {
    defineOperator('mixed', {
      step: (x: number) => x,
      // @ts-expect-error flush answers a string where step answers numbers
      flush: () => 'end',
    });
    defineOperator('skipping', {
      step: (x: number) => x,
      // @ts-expect-error skip means nothing after the end
      flush: () => skip,
    });
  });

  it('rejects a state used as another type', () => {
    defineOperator('counter', {
      // @ts-expect-error start makes a number, step takes the state as a string
      start: () => 0,
      step: (x: number, _i, state: string) => x + state.length,
    });
  });
});
