/**
 * `globalThis.gc` where the worker could not be started with `--expose-gc`: the suite runs
 * in worker threads (vitest.config.ts; Stryker's runs too), which refuse that flag, and
 * the leak tests need to collect.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

const g = globalThis as { gc?: () => void };
if (g.gc === undefined) {
  setFlagsFromString('--expose-gc');
  g.gc = runInNewContext('gc') as () => void;
}
