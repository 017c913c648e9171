import { describe, expectTypeOf, it } from 'vitest';
import {
  aclosing,
  batchTime,
  borrow,
  debounce,
  filter,
  map,
  pipe,
  share,
  switchMap,
  tee,
  take,
  withCleanup,
  type Exit,
  type Operator,
  type PipeTypedUpTo16Operators,
  type Shared,
  type Source,
  type Stage,
} from 'iterscope';

describe('public types', () => {
  it('pipe infers item types through curried operators', () => {
    const out = pipe(
      [1, 2, 3],
      map((x) => String(x)),
      filter((s) => s.length > 0),
      map(async (s) => s.length),
      take(2),
    );
    expectTypeOf(out).toEqualTypeOf<Stage<number>>();
  });

  it('pipe(source) is a stage of the source items', () => {
    async function* gen(): AsyncGenerator<string> {
      yield 'a';
    }
    expectTypeOf(pipe(gen())).toEqualTypeOf<Stage<string>>();
    expectTypeOf(aclosing([Promise.resolve(1), 2])).toEqualTypeOf<Stage<number>>();
  });

  it('a type-guard filter narrows', () => {
    const out = pipe([1, 'a', 2] as (number | string)[], filter((x): x is number => typeof x === 'number'));
    expectTypeOf(out).toEqualTypeOf<Stage<number>>();
  });

  it('operators are values that can be stored and reused', () => {
    const double: Operator<number, number> = map((x: number) => x * 2);
    expectTypeOf(double([1])).toEqualTypeOf<Stage<number>>();
    expectTypeOf(withCleanup<number>).parameter(0).toEqualTypeOf<(exit: Exit) => unknown>();
  });

  it('stages are async iterators and async disposables', () => {
    const stage = aclosing([1]);
    expectTypeOf(stage).toExtend<AsyncIterableIterator<number>>();
    expectTypeOf(stage).toExtend<AsyncDisposable>();
    expectTypeOf(stage.next()).resolves.toEqualTypeOf<IteratorResult<number, undefined>>();
  });

  it('borrow takes iterators, not iterables', () => {
    async function* gen(): AsyncGenerator<number> {
      yield 1;
    }
    expectTypeOf(borrow(gen())).toEqualTypeOf<Stage<number>>();
    // @ts-expect-error an array has nothing to share
    borrow([1, 2]);
  });

  it('sources accept what for await accepts', () => {
    expectTypeOf<number[]>().toExtend<Source<number>>();
    expectTypeOf<Promise<number>[]>().toExtend<Source<number>>();
    expectTypeOf<AsyncGenerator<number>>().toExtend<Source<number>>();
    // @ts-expect-error a number is not a source
    aclosing(42);
  });
});

describe('typed pipe', () => {
  async function* numbers(): AsyncGenerator<number> {
    yield 1;
  }
  const inc = map((x: number) => x + 1);

  it('a callback typed for the wrong item is an error at its own operator', () => {
    pipe(
      numbers(),
      // @ts-expect-error map expects strings, the source yields numbers
      map((s: string) => s.length),
    );
    pipe(
      numbers(),
      map((x) => x + 1),
      filter((x) => x > 0),
      // @ts-expect-error the third operator expects strings, the second yields numbers
      map((s: string) => s.length),
      take(1),
    );
  });

  it('infers item types through 16 operators', () => {
    const out = pipe(
      numbers(),
      inc, inc, inc, inc, inc, inc, inc, inc, inc, inc, inc, inc, inc, inc,
      map((x) => String(x)),
      map((s) => s.length > 0),
    );
    expectTypeOf(out).toEqualTypeOf<Stage<boolean>>();
    pipe(
      numbers(),
      inc, inc, inc, inc, inc, inc, inc, inc, inc, inc, inc, inc, inc, inc, inc,
      // @ts-expect-error the 16th operator is still checked against the 15th
      map((s: string) => s.length),
    );
  });

  it('a 17th operator is a type error naming the limit, not an untyped result', () => {
    pipe(
      numbers(),
      inc, inc, inc, inc, inc, inc, inc, inc, inc, inc, inc, inc, inc, inc, inc, inc,
      // @ts-expect-error pipe is typed for up to 16 operators
      inc,
    );
    expectTypeOf<PipeTypedUpTo16Operators>().not.toBeFunction();
    // Nesting is the way past 16, fully typed.
    const sixteen = pipe(numbers(), inc, inc, inc, inc, inc, inc, inc, inc, inc, inc, inc, inc, inc, inc, inc, inc);
    expectTypeOf(pipe(sixteen, map((x) => String(x)))).toEqualTypeOf<Stage<string>>();
  });

  it('operators that take no callback pick up the item type from the step before', () => {
    expectTypeOf(pipe(numbers(), map((x) => x), filter(() => true), take(3), withCleanup(() => undefined))).toEqualTypeOf<Stage<number>>();
    expectTypeOf(pipe(numbers(), take<number>(3), take(1))).toEqualTypeOf<Stage<number>>();
  });

  it('the timed operators keep the item type (debounce) or make arrays of it (batchTime)', () => {
    expectTypeOf(pipe(numbers(), debounce(10))).toEqualTypeOf<Stage<number>>();
    expectTypeOf(pipe(numbers(), batchTime(10, 5))).toEqualTypeOf<Stage<number[]>>();
    expectTypeOf(pipe(numbers(), debounce(10), batchTime(10, 5), map((xs) => xs.length))).toEqualTypeOf<Stage<number>>();
    // @ts-expect-error: batchTime passes number[], not number
    pipe(numbers(), batchTime(10, 5), map((x: number) => x + 1));
  });

  it('switchMap infers the inner item type; a callback typed for another item is an error at it', () => {
    expectTypeOf(pipe(numbers(), switchMap((n) => [String(n)]))).toEqualTypeOf<Stage<string>>();
    // @ts-expect-error: the items are numbers
    pipe(numbers(), switchMap((s: string) => [s.length]));
  });

  it('share and tee keep the item type for every consumer', () => {
    const shared = share(numbers());
    expectTypeOf(shared).toEqualTypeOf<Shared<number>>();
    expectTypeOf(shared[Symbol.asyncIterator]()).toEqualTypeOf<Stage<number>>();
    expectTypeOf(pipe(shared, map((n) => n + 1))).toEqualTypeOf<Stage<number>>();
    expectTypeOf(tee(numbers(), 2)).toEqualTypeOf<Stage<number>[]>();
    // @ts-expect-error: the shared items are numbers
    pipe(shared, map((s: string) => s.length));
  });
});
