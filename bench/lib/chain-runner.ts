/**
 * Child process for the pipeline suite: measures the named chains (map → filter → map)
 * in one fresh process, so that every pipeline compared runs in the same process and
 * none inherits call-site feedback from other suites' stage classes. With
 * `--context-manager` it registers OpenTelemetry's AsyncLocalStorage context manager and
 * measures every chain twice, as `name` with the manager's storage off and as
 * `name (context manager)` with it on, rounds interleaved. Registering alone changes
 * nothing: the storage (and with it Node's promise hooks, which are the cost) is turned
 * on by the first `context.with`, which an instrumented application makes on its first
 * request; `manager.disable()` turns it off again.
 *
 * Rounds are interleaved across the pipelines.
 *
 * While it measures, the process holds one open pipeline of every chain measured (read
 * once, never finished), as a server holds the streams it is serving. Without one, the
 * forced collection before each round frees the last object of some of iterscope's shapes;
 * V8 then drops the optimized code that depended on them, and every round starts partly
 * cold (`--trace-deopt` shows "code dependencies" and "weak objects" after each full
 * collection). `--cold` measures that case: nothing held.
 *
 * With `--array` the source is an array of N numbers and the chains are `arrayChains`.
 *
 * Usage: `node --expose-gc --import tsx bench/lib/chain-runner.ts [--context-manager] [--cold]
 * [--array] --items=N --slow-items=M --rounds=R name...`. Prints progress, then one JSON line:
 * `{ [chain]: Summary }`.
 */
import { context, ROOT_CONTEXT } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { arrayChains, chains, counter } from './chains.js';
import { drainer, together, type Summary } from './timing.js';

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
const array = args.includes('--array');
const numbers = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
/** Makes the chain `name` over a source of `n` items (an array is made once, here; a chain each round). */
const source = (name: string, n: number): (() => AsyncIterable<number> | AsyncIterator<number>) | undefined => {
  if (array) {
    const chain = arrayChains[name];
    if (chain === undefined) return undefined;
    const items = numbers(n);
    return () => chain(items);
  }
  const chain = chains[name];
  return chain === undefined ? undefined : () => chain(counter(n));
};
const slow = new Set(['IxJS', 'Repeater']);

const manager = new AsyncLocalStorageContextManager();
if (withManager) context.setGlobalContextManager(manager);
/** The storage on (what the first `context.with` of an instrumented application does) or off. */
const storage = (on: boolean): void => {
  if (on) context.with(ROOT_CONTEXT, () => undefined);
  else manager.disable();
};
// Rounds are interleaved (round r of every pipeline, then round r + 1) so that a change
// in machine load hits every pipeline alike and the ratios stay meaningful.
const measured = together();
const out: Record<string, Summary> = {};
for (const name of names) {
  const n = slow.has(name) ? slowItems : items;
  const chain = source(name, n);
  if (chain === undefined) throw new Error(`unknown chain ${name}`);
  const drain = drainer();
  // ns per source item: every chain reads all n; the consumer receives half (filter).
  const perSource = (drained: Promise<number>): Promise<number> => drained.then(() => n);
  if (!withManager) {
    out[name] = measured.add(name, () => perSource(drain(chain())));
    continue;
  }
  const off = drainer();
  out[name] = measured.add(name, () => {
    storage(false);
    return perSource(off(chain()));
  });
  out[`${name} (context manager)`] = measured.add(`${name} (context manager)`, () => {
    storage(true);
    return perSource(drain(chain()));
  });
}
// One open pipeline per chain, held until the end (see above), made after the warm-up.
const held: AsyncIterator<unknown>[] = [];
await measured.run(rounds, async () => {
  if (args.includes('--cold')) return;
  for (const name of names) {
    const chain = source(name, 2)?.();
    if (chain === undefined) continue;
    const open = Symbol.asyncIterator in chain ? chain[Symbol.asyncIterator]() : chain;
    await open.next();
    held.push(open);
  }
});
for (const open of held) await open.return?.();
console.log(JSON.stringify(out));
