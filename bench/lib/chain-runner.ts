/**
 * Child process for the pipeline suite: measures the named chains (map → filter → map)
 * in one fresh process, so that every pipeline compared runs in the same process and
 * none inherits call-site feedback from other suites' stage classes. With
 * `--context-manager` it first registers OpenTelemetry's AsyncLocalStorage context
 * manager (which turns on promise hooks for the rest of the process).
 *
 * Usage: `node --expose-gc --import tsx bench/lib/chain-runner.ts [--context-manager]
 * --items=N --slow-items=M --rounds=R name...`. Prints progress, then one JSON line:
 * `{ [chain]: Summary }`.
 */
import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { chains, counter } from './chains.js';
import { drainer, measure, type Summary } from './timing.js';

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
const out: Record<string, Summary> = {};
for (const name of names) {
  const chain = chains[name];
  if (chain === undefined) throw new Error(`unknown chain ${name}`);
  const drain = drainer();
  const n = slow.has(name) ? slowItems : items;
  out[name] = await measure(`${name}${withManager ? ' (context manager)' : ''}`, rounds, () => drain(chain(counter(n))));
}
console.log(JSON.stringify(out));
