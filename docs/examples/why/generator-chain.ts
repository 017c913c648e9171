/**
 * The chain of generators from the Python reference (an LLM stream read by a subscription
 * resolver that is itself a generator), in JavaScript. The framework closes the resolver
 * with `return()`; JavaScript queues it behind the resolver's parked `next()`, which waits
 * on the stream, which waits on the quiet upstream. Nothing closes until the upstream
 * yields again, and the resolver reads that item first. With an upstream that never
 * answers, nothing closes at all.
 *
 * Run: node --import tsx docs/examples/why/generator-chain.ts
 */
const PARK_MS = 200;
const WATCH_MS = 300;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const since = (t0: number): string => `${(performance.now() - t0).toFixed(1)} ms`;

interface Log {
  readonly closed: string[];
  lateItemRead: boolean;
}

/** C: the model. One token, then quiet for `parkMs` (Infinity: forever). */
async function* upstream(log: Log, parkMs: number): AsyncGenerator<string> {
  try {
    yield 'first';
    await (parkMs === Infinity ? new Promise<never>(() => undefined) : sleep(parkMs));
    yield 'late';
  } finally {
    log.closed.push('C');
  }
}

/** B: the stream helper, the one the Python reference wrapped in aclosing(). */
async function* stream(source: AsyncIterable<string>, log: Log): AsyncGenerator<string> {
  try {
    for await (const token of source) yield token;
  } finally {
    log.closed.push('B');
  }
}

/** A: the subscription resolver, a generator that reads B and yields to the framework. */
async function* resolver(source: AsyncIterable<string>, log: Log): AsyncGenerator<string> {
  try {
    for await (const token of source) {
      if (token === 'late') log.lateItemRead = true;
      yield token;
    }
  } finally {
    log.closed.push('A');
  }
}

async function scenario(name: string, parkMs: number): Promise<void> {
  const log: Log = { closed: [], lateItemRead: false };
  const a = resolver(stream(upstream(log, parkMs), log), log);
  await a.next(); // the framework sent 'first' to the client
  void a.next(); // the framework waits for the next token: A, B and C are parked
  const t0 = performance.now();
  let settled = `not within ${String(WATCH_MS)} ms`;
  const closing = a.return(undefined).then(() => (settled = since(t0))); // the client left
  await Promise.race([closing, sleep(WATCH_MS)]);
  console.log(`${name}: return() settled: ${settled}; closed [${log.closed.join(', ')}]; the resolver read the late item: ${String(log.lateItemRead)}`);
}

await scenario(`upstream quiet ${String(PARK_MS)} ms`, PARK_MS);
await scenario('upstream quiet forever', Infinity);
