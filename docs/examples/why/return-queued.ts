/**
 * An async generator queues `return()` behind its pending `next()`: while the upstream is
 * parked (a slow network read), closing waits for the park to end, and the pending `next()`
 * even delivers one more item after the consumer asked to close. With an upstream that
 * never settles, `return()` never settles either. A hand-written iterator can answer the
 * same `return()` at once.
 *
 * Run: node --import tsx docs/examples/why/return-queued.ts
 */
const PARK_MS = 200;
const WATCH_MS = 300;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const since = (t0: number): string => `${(performance.now() - t0).toFixed(1)} ms`;

/** Yields 0 at once, then parks for `parkMs` (Infinity: forever) before yielding 1. */
async function* upstream(state: { parkEnded: boolean }, parkMs: number): AsyncGenerator<number> {
  yield 0;
  await (parkMs === Infinity ? new Promise<never>(() => undefined) : sleep(parkMs));
  state.parkEnded = true;
  yield 1;
}

/** The operator people write every day. */
async function* mapGenerator<T, U>(source: AsyncIterable<T>, fn: (x: T) => U): AsyncGenerator<U> {
  for await (const x of source) yield fn(x);
}

/** The same operator as a hand-written iterator: return() settles a pending next() at once. */
function mapIterator<T, U>(source: AsyncIterable<T>, fn: (x: T) => U): AsyncIterableIterator<U> {
  const it = source[Symbol.asyncIterator]();
  let pending: ((r: IteratorResult<U>) => void) | undefined;
  let closed = false;
  return {
    [Symbol.asyncIterator]() {
      return this;
    },
    next() {
      if (closed) return Promise.resolve({ done: true, value: undefined });
      return new Promise((resolve, reject) => {
        pending = resolve;
        it.next().then((r) => {
          if (closed) return; // closed while parked: drop the late item
          pending = undefined;
          resolve(r.done === true ? r : { done: false, value: fn(r.value) });
        }, reject);
      });
    },
    async return() {
      closed = true;
      pending?.({ done: true, value: undefined });
      pending = undefined;
      // The upstream's own return() is queued behind its parked next(): send it, don't wait.
      it.return?.().catch(() => undefined);
      return { done: true, value: undefined };
    },
  };
}

async function scenario(name: string, make: typeof mapIterator, parkMs: number): Promise<void> {
  const state = { parkEnded: false };
  const stream = make(upstream(state, parkMs), (x: number) => x * 10);
  await stream.next();
  const pendingNext = stream.next(); // parked upstream
  const t0 = performance.now();
  let nextSettled = `not within ${String(WATCH_MS)} ms`;
  let returnSettled = `not within ${String(WATCH_MS)} ms`;
  void pendingNext.then((r) => (nextSettled = `${since(t0)} with ${JSON.stringify(r)}`));
  const closing = stream.return?.(undefined).then(() => {
    returnSettled = `${since(t0)}, park ended first: ${String(state.parkEnded)}`;
  });
  await Promise.race([closing, sleep(WATCH_MS)]);
  await sleep(1); // let the pending next()'s handler run
  console.log(`${name}: pending next() settled: ${nextSettled}`);
  console.log(`${name}: return() settled: ${returnSettled}`);
}

await scenario(`async generator, upstream parked ${String(PARK_MS)} ms`, mapGenerator, PARK_MS);
await scenario('async generator, upstream parked forever', mapGenerator, Infinity);
await scenario(`hand-written iterator, upstream parked ${String(PARK_MS)} ms`, mapIterator, PARK_MS);
