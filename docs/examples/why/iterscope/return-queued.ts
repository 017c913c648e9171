/**
 * C2 and C3: nobody waits on a parked source. The same parked upstream as in the plain
 * version, read through `pipe(..., map(...))`: `return()` settles the pending `next()` with
 * `{ done: true }` at once and sends the close down at once; `return()` itself resolves
 * when the upstream has finished closing, never after the close deadline (a source still
 * closing then is reported as a straggler). An abort rejects the pending `next()` with
 * `signal.reason`, that same object, at once.
 *
 * Run: node --import tsx docs/examples/why/iterscope/return-queued.ts
 */
import { abortable, map, onReport, pipe, type Report } from 'iterscope';

const PARK_MS = 200;
const WATCH_MS = 300;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const since = (t0: number): string => `${(performance.now() - t0).toFixed(1)} ms`;
const reports: Report[] = [];
onReport((report) => reports.push(report));

/** Yields 0 at once, then parks for `parkMs` (Infinity: forever) before yielding 1. */
async function* upstream(state: { parkEnded: boolean }, parkMs: number): AsyncGenerator<number> {
  yield 0;
  await (parkMs === Infinity ? new Promise<never>(() => undefined) : sleep(parkMs));
  state.parkEnded = true;
  yield 1;
}

async function scenario(name: string, parkMs: number, closeTimeout: number): Promise<void> {
  const state = { parkEnded: false };
  const stream = pipe(upstream(state, parkMs), map((x: number) => x * 10, { closeTimeout }));
  await stream.next();
  const pendingNext = stream.next(); // parked upstream
  const t0 = performance.now();
  let nextSettled = `not within ${String(WATCH_MS)} ms`;
  let returnSettled = `not within ${String(WATCH_MS)} ms`;
  void pendingNext.then((r) => (nextSettled = `${since(t0)} with ${JSON.stringify(r)}`));
  const closing = stream.return().then(() => {
    returnSettled = `${since(t0)}, park ended first: ${String(state.parkEnded)}`;
  });
  await Promise.race([closing, sleep(WATCH_MS)]);
  console.log(`${name}: pending next() settled: ${nextSettled}`);
  console.log(`${name}: return() settled: ${returnSettled}`);
}

await scenario(`upstream parked ${String(PARK_MS)} ms`, PARK_MS, 5_000);
await scenario('upstream parked forever, closeTimeout 50 ms', Infinity, 50);
for (const report of reports) {
  if (report.type === 'straggler') console.log(`reported: straggler in ${report.stage} after ${String(report.waitedMs)} ms`);
}

// Abort while the upstream is parked forever: the pending next() rejects at once.
const controller = new AbortController();
const stream = pipe(upstream({ parkEnded: false }, Infinity), map((x: number) => x * 10), abortable(controller.signal, { closeTimeout: 50 }));
await stream.next();
const pendingNext = stream.next();
const t0 = performance.now();
const reason = new Error('client disconnected');
controller.abort(reason);
try {
  await pendingNext;
  console.log('abort: pending next() resolved');
} catch (error) {
  console.log(`abort: pending next() rejected after ${since(t0)}, with signal.reason itself: ${String(error === reason)}`);
}
