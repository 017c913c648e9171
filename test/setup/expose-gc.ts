/**
 * `globalThis.gc` where the worker could not be started with `--expose-gc`: Stryker runs
 * vitest in worker threads, which refuse that flag, and the leak tests need to collect.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

const g = globalThis as { gc?: () => void };
if (g.gc === undefined) {
  setFlagsFromString('--expose-gc');
  g.gc = runInNewContext('gc') as () => void;
}
