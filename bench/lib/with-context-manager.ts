/**
 * Child process for the pipeline suite: registers OpenTelemetry's AsyncLocalStorage
 * context manager (which turns on promise hooks for the rest of the process, so it
 * cannot run in the main benchmark process) and measures the same chains. Prints one
 * JSON line: `{ [chain]: Summary }`.
 */
import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { chains, counter } from './chains.js';
import { drainer, measure, type Summary } from './timing.js';

const names = process.argv.slice(2);
const n = 200_000;
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
const out: Record<string, Summary> = {};
for (const name of names) {
  const chain = chains[name];
  if (chain === undefined) throw new Error(`unknown chain ${name}`);
  const drain = drainer();
  out[name] = await measure(`${name} (context manager)`, 5, () => drain(chain(counter(n))));
}
console.log(JSON.stringify(out));
