/**
 * C7: the safety net. A pipeline pulled once and dropped is garbage-collected like the
 * plain generator, but iterscope registers its stages with a FinalizationRegistry (whose
 * held value never references the stage): on collection `withCleanup` runs with outcome
 * `abandoned`, the upstream generator (suspended at a `yield`) is closed, so its `finally`
 * runs, and the leak is reported. Best effort: it comes when the collector runs.
 *
 * Run: node --expose-gc --import tsx docs/examples/why/iterscope/abandoned.ts
 */
import { map, onReport, pipe, withCleanup, type Report } from 'iterscope';

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('run with node --expose-gc');
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const log: string[] = [];
const reports: Report[] = [];
onReport((report) => reports.push(report));

async function* stream(): AsyncGenerator<number> {
  try {
    yield 1;
    yield 2;
  } finally {
    log.push('upstream finally ran');
  }
}

async function consume(): Promise<void> {
  const it = pipe(
    stream(),
    map((x: number) => x * 10),
    withCleanup((exit) => log.push(`withCleanup saw '${exit.outcome}'`)),
  );
  await it.next(); // reads one item, then walks away
}

await consume();
for (let i = 0; i < 20 && reports.length === 0; i++) {
  gc();
  await sleep(10);
}
await sleep(10);
console.log(`after collection: [${log.join(', ')}]`);
for (const report of reports) console.log(`reported: ${report.type} (${report.stage})`);
