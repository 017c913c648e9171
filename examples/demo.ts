/**
 * `npm run demo`: the same pipeline built from plain async generators and through
 * iterscope, side by side, for each way a stream can end early. Prints, for each, whether
 * the source was closed and how long the consumer waited.
 *
 * Run with `node --expose-gc` (the npm script does) so the abandonment case can force a
 * garbage collection.
 */
import { abortable, configure, filter, map, onReport, pipe, withCleanup } from 'iterscope';

const WINDOW_MS = 400; // how long the demo watches for something that never happens
const gc = (globalThis as { gc?: () => void }).gc;

interface Outcome {
  closed: string;
  waited: string;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const ms = (start: number): string => `${(performance.now() - start).toFixed(1)} ms`;

/** The upstream: a token stream from "a model", as a plain async generator. */
async function* tokens(state: { closed: boolean }, parkAfter = Infinity): AsyncGenerator<string> {
  try {
    for (let i = 0; ; i++) {
      if (i >= parkAfter) await new Promise(() => undefined); // the network stalls
      await sleep(1);
      yield `token${String(i)}`;
    }
  } finally {
    state.closed = true;
  }
}

// The plain pipeline: the generator operators people write every day.
async function* plainMap<T, U>(source: AsyncIterable<T>, fn: (x: T) => U): AsyncGenerator<U> {
  for await (const x of source) yield fn(x);
}
async function* plainFilter<T>(source: AsyncIterable<T>, keep: (x: T) => boolean): AsyncGenerator<T> {
  for await (const x of source) if (keep(x)) yield x;
}
/** Reads the first item by hand, then the rest: one manual next() with no try/finally. */
async function* plainPeek<T>(source: AsyncIterable<T>): AsyncGenerator<T> {
  const it = source[Symbol.asyncIterator]();
  const first = await it.next();
  if (first.done === true) return;
  yield first.value;
  for (let r = await it.next(); r.done !== true; r = await it.next()) yield r.value;
}

const plain = (src: AsyncIterable<string>): AsyncGenerator<string> =>
  plainFilter(plainPeek(plainMap(src, (t) => t.toUpperCase())), (t) => t.length > 0);

const scoped = (src: AsyncIterable<string>, signal?: AbortSignal) =>
  signal === undefined
    ? pipe(src, map((t: string) => t.toUpperCase()), filter((t: string) => t.length > 0))
    : pipe(src, map((t: string) => t.toUpperCase()), filter((t: string) => t.length > 0), abortable(signal));

async function watch(state: { closed: boolean }, start: number): Promise<string> {
  const until = performance.now() + WINDOW_MS;
  while (!state.closed && performance.now() < until) await sleep(5);
  return state.closed ? `yes, after ${ms(start)}` : `NO (still open after ${String(WINDOW_MS)} ms)`;
}

/** Wait for `p` at most WINDOW_MS; say how long it took. */
async function timed(p: Promise<unknown>, start: number): Promise<string> {
  const settled = await Promise.race([p.then(() => true, () => true), sleep(WINDOW_MS).then(() => false)]);
  return settled ? ms(start) : `NEVER (gave up after ${String(WINDOW_MS)} ms)`;
}

type Scenario = (kind: 'plain' | 'iterscope') => Promise<Outcome>;

const scenarios: [string, Scenario][] = [
  [
    'break after 2 items',
    async (kind) => {
      const state = { closed: false };
      const stream = kind === 'plain' ? plain(tokens(state)) : scoped(tokens(state));
      let n = 0;
      const start = performance.now();
      for await (const _ of stream) if (++n === 2) break;
      const waited = ms(start);
      return { closed: await watch(state, start), waited: `loop exited after ${waited}` };
    },
  ],
  [
    'loop body throws',
    async (kind) => {
      const state = { closed: false };
      const stream = kind === 'plain' ? plain(tokens(state)) : scoped(tokens(state));
      const start = performance.now();
      try {
        for await (const _ of stream) throw new Error('evaluator failed');
      } catch {
        // expected
      }
      const waited = ms(start);
      return { closed: await watch(state, start), waited: `loop exited after ${waited}` };
    },
  ],
  [
    'abort while the source stalls',
    async (kind) => {
      const state = { closed: false };
      const controller = new AbortController();
      const stream = kind === 'plain' ? plain(tokens(state, 1)) : scoped(tokens(state, 1), controller.signal);
      await stream.next();
      const pending = stream.next();
      const start = performance.now();
      controller.abort(new Error('client disconnected'));
      const waited = await timed(pending, start);
      return { closed: await watch(state, start), waited: `next() settled: ${waited}` };
    },
  ],
  [
    'return() while next() is pending',
    async (kind) => {
      const state = { closed: false };
      const stream = kind === 'plain' ? plain(tokens(state, 1)) : scoped(tokens(state, 1));
      await stream.next();
      const pending = stream.next();
      const start = performance.now();
      void stream.return(undefined).catch(() => undefined);
      const waited = await timed(pending, start);
      return { closed: await watch(state, start), waited: `next() settled: ${waited}` };
    },
  ],
  [
    'abandoned (dropped, then collected)',
    async (kind) => {
      const state = { closed: false };
      let cleanup = 'no cleanup ran';
      await (async () => {
        const stream =
          kind === 'plain'
            ? plain(tokens(state))
            : pipe(scoped(tokens(state)), withCleanup((exit) => (cleanup = `cleanup saw '${exit.outcome}'`)));
        await stream.next();
      })();
      const start = performance.now();
      for (let i = 0; i < 20 && !state.closed; i++) {
        gc?.();
        await sleep(5);
      }
      return { closed: `${await watch(state, start)}; ${cleanup}`, waited: '-' };
    },
  ],
];

async function main(): Promise<void> {
  if (gc === undefined) console.log('(run with node --expose-gc to see the abandonment case)\n');
  // A short deadline so the stalled sources in this demo are given up on quickly.
  configure({ closeTimeout: 100 });
  let reports: string[] = [];
  onReport((r) => reports.push(r.type === 'straggler' ? `straggler: '${r.stage}' gave up waiting for its source to close` : `${r.type}: '${r.stage}'`));

  console.log('One token stream (an async generator) through map -> peek -> filter.');
  console.log('plain:     the generator operators people write (peek reads its first item by hand)');
  console.log('iterscope: pipe(tokens, map, filter), close deadline 100 ms\n');
  for (const [name, run] of scenarios) {
    const a = await run('plain');
    reports = [];
    const b = await run('iterscope');
    await sleep(120); // past the close deadline, so stragglers are reported
    console.log(name);
    console.log(`  plain      source closed: ${a.closed}`);
    console.log(`             consumer: ${a.waited}`);
    console.log(`  iterscope  source closed: ${b.closed}`);
    console.log(`             consumer: ${b.waited}`);
    for (const r of reports) console.log(`             reported: ${r}`);
    console.log();
  }
  console.log('A generator parked inside an `await` cannot be interrupted by anyone: iterscope');
  console.log('frees the consumer at once, sends the close, and reports the source if it misses');
  console.log('the deadline. Sources that take the AbortSignal (fetch, ix) stop for real.');
}

await main();
// The plain pipelines left parked generators and timers nobody can close.
process.exit(0);
