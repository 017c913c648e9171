/**
 * A `next()` that rejects ends the loop without `return()`: `for await` treats the
 * iterator as finished. The same for a `next()` that resolves to something that is not an
 * iterator result (the loop throws a TypeError, and still does not close).
 *
 * Run: node --import tsx docs/examples/why/rejected-next.ts
 */

/** Yields 1, then its second `next()` answers with `second` (a rejection or a bad value). */
function source(second: () => Promise<unknown>, log: { returns: number }): AsyncIterableIterator<number> {
  let calls = 0;
  return {
    [Symbol.asyncIterator]() {
      return this;
    },
    next() {
      calls++;
      return (calls === 1 ? Promise.resolve({ done: false, value: 1 }) : second()) as Promise<IteratorResult<number>>;
    },
    async return() {
      log.returns++;
      return { done: true, value: undefined };
    },
  };
}

const cases: [string, () => Promise<unknown>][] = [
  ['next() rejects', () => Promise.reject(new Error('connection reset'))],
  ['next() resolves to 42', () => Promise.resolve(42)],
];
for (const [name, second] of cases) {
  const log = { returns: 0 };
  let error = 'none';
  try {
    for await (const _ of source(second, log)) {
      // read everything
    }
  } catch (err) {
    error = `${(err as Error).name}: ${(err as Error).message}`;
  }
  console.log(`${name}: the loop threw '${error}', return() called ${String(log.returns)} time(s)`);
}
