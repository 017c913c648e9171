/**
 * C1: a source whose `next()` rejected is finished and is not closed again, as with
 * `for await`; a `next()` that resolves to a non-object is a TypeError that names the
 * stage. But when the stage itself fails (its callback throws), the source is still open,
 * and the stage closes it, exactly once.
 *
 * Run: node --import tsx docs/examples/why/iterscope/rejected-next.ts
 */
import { map, pipe } from 'iterscope';

/** Yields 1, 2, 3..., except that its second `next()` answers with `second()` when given. */
function source(log: { returns: number }, second?: () => Promise<unknown>): AsyncIterableIterator<number> {
  let calls = 0;
  return {
    [Symbol.asyncIterator]() {
      return this;
    },
    next() {
      calls++;
      if (calls === 2 && second !== undefined) return second() as Promise<IteratorResult<number>>;
      return Promise.resolve({ done: false, value: calls });
    },
    async return() {
      log.returns++;
      return { done: true, value: undefined };
    },
  };
}

const cases: [string, (log: { returns: number }) => AsyncIterable<number>][] = [
  ['next() rejects', (log) => pipe(source(log, () => Promise.reject(new Error('connection reset'))), map((x) => x * 10))],
  ['next() resolves to 42', (log) => pipe(source(log, () => Promise.resolve(42)), map((x) => x * 10))],
  [
    'the map callback throws',
    (log) =>
      pipe(
        source(log),
        map((x) => {
          if (x === 2) throw new Error('bad item');
          return x * 10;
        }),
      ),
  ],
];
for (const [name, make] of cases) {
  const log = { returns: 0 };
  let error = 'none';
  try {
    for await (const _ of make(log)) {
      // read everything
    }
  } catch (err) {
    error = `${(err as Error).name}: ${(err as Error).message}`;
  }
  console.log(`${name}: the loop threw '${error}', source's return() called ${String(log.returns)} time(s)`);
}
