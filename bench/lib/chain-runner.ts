/**
 * Child process for the pipeline suite: measures the named chains (map → filter → map)
 * in one fresh process, so that every pipeline compared runs in the same process and
 * none inherits call-site feedback from other suites' stage classes. With
 * `--context-manager` it first registers OpenTelemetry's AsyncLocalStorage context
 * manager (which turns on promise hooks for the rest of the process).
 *
 * Rounds are interleaved across the pipelines.
 *
 * Usage: `node --expose-gc --import tsx bench/lib/chain-runner.ts [--context-manager]
 * --items=N --slow-items=M --rounds=R name...`. Prints progress, then one JSON line:
 * `{ [chain]: Summary }`.
 */
import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { chains, counter } from './chains.js';
import { collectGarbage, drainer, fmt, summarize, type Summary } from './timing.js';

const args = process.argv.slice(2);
const flag = (name: string, fallback: number): number => {
  const arg = args.find((a) => a.startsWith(`--${name}=`));
  return arg === undefined ? fallback : Number(arg.slice(name.length + 3));
};
const withManager = args.includes('--context-manager');
const items = flag('items', 1_000_000);
const slowItems = flag('slow-items', 200_000);
const rounds = flag('rounds', 5);
const names = args.filter((a) => !a.startsWith('--'));
const slow = new Set(['IxJS', 'Repeater']);

if (withManager) context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
const entries = names.map((name) => {
  const chain = chains[name];
  if (chain === undefined) throw new Error(`unknown chain ${name}`);
  const drain = drainer();
  const n = slow.has(name) ? slowItems : items;
  return { name, run: () => drain(chain(counter(n))), samples: [] as number[] };
});
for (const entry of entries) await entry.run(); // warm-up
// Rounds are interleaved (round r of every pipeline, then round r + 1) so that a change
// in machine load hits every pipeline alike and the ratios stay meaningful.
for (let round = 0; round < rounds; round++) {
  for (const entry of entries) {
    collectGarbage();
    const started = process.hrtime.bigint();
    const count = await entry.run();
    entry.samples.push(Number(process.hrtime.bigint() - started) / count);
  }
}
const out: Record<string, Summary> = {};
for (const entry of entries) {
  const summary = summarize(entry.samples);
  out[entry.name] = summary;
  const label = `${entry.name}${withManager ? ' (context manager)' : ''}`;
  console.log(`  ${label.padEnd(44)} ${fmt(summary.median).padStart(8)} ns/item  ±${(summary.spread * 50).toFixed(0)}%`);
}
console.log(JSON.stringify(out));
