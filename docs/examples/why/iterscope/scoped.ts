/**
 * The chain of generators, through iterscope. `aclosing(resolver())` frees the framework
 * at once (its pending `next()` settles), but nothing can end the resolver's own parked
 * `await`: the chain behind it closes only when the upstream yields again. `scoped` gives
 * each generator a scope: closing the outermost closes, first, the stream each one owns,
 * so the parked reads settle from the inside out and every `finally` runs, C, then B,
 * then A, in one `return()`, even with an upstream that would never answer.
 *
 * Run: node --import tsx docs/examples/why/iterscope/scoped.ts
 */
import { aclosing, onReport, scoped, type Report, type Source } from 'iterscope';

const PARK_MS = 200;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const since = (t0: number): string => `${(performance.now() - t0).toFixed(1)} ms`;
const reports: Report[] = [];
onReport((report) => reports.push(report));

/** Quiet until `signal` aborts; with no signal, for `ms`. */
const quiet = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve, reject) => {
    if (signal === undefined) setTimeout(resolve, ms);
    else {
      signal.addEventListener('abort', () => {
        reject(signal.reason as Error);
      }, { once: true });
    }
  });

// The plain chain of generator-chain.ts, behind aclosing(): C, B, A as before.
{
  const closed: string[] = [];
  async function* upstream(): AsyncGenerator<string> {
    try {
      yield 'first';
      await quiet(PARK_MS);
      yield 'late';
    } finally {
      closed.push('C');
    }
  }
  async function* stream(source: AsyncIterable<string>): AsyncGenerator<string> {
    try {
      for await (const token of source) yield token;
    } finally {
      closed.push('B');
    }
  }
  async function* resolver(source: AsyncIterable<string>): AsyncGenerator<string> {
    try {
      for await (const token of source) yield token;
    } finally {
      closed.push('A');
    }
  }
  const a = aclosing(resolver(stream(upstream())));
  await a.next();
  const pending = a.next();
  const t0 = performance.now();
  let nextSettled = '';
  void pending.then(() => (nextSettled = since(t0)));
  const closing = a.return();
  await sleep(5);
  console.log(`aclosing(resolver()): pending next() settled: ${nextSettled}; closed after 5 ms: [${closed.join(', ')}]`);
  await closing;
  console.log(`aclosing(resolver()): return() settled: ${since(t0)}, once the upstream yielded; closed [${closed.join(', ')}]`);
}

// The same chain, every link scoped: A owns B, B owns C, and C hands its wait the scope's signal.
{
  const closed: string[] = [];
  const upstream = scoped(async function* ({ signal }) {
    try {
      yield 'first';
      await quiet(Infinity, signal); // would never answer on its own
      yield 'late';
    } finally {
      closed.push('C');
    }
  });
  const stream = scoped(async function* ({ own }, source: Source<string>) {
    try {
      for await (const token of own(source)) yield token;
    } finally {
      closed.push('B');
    }
  });
  const resolver = scoped(async function* ({ own }, source: Source<string>) {
    try {
      for await (const token of own(source)) yield token;
    } finally {
      closed.push('A');
    }
  });
  const a = resolver(stream(upstream()));
  await a.next();
  const pending = a.next();
  const t0 = performance.now();
  await a.return();
  console.log(`scoped: return() settled: ${since(t0)}; closed [${closed.join(', ')}]; pending next(): ${JSON.stringify(await pending)}`);
  console.log(`scoped: reports: ${reports.length === 0 ? 'none' : reports.map((r) => r.type).join(', ')}`);
}
