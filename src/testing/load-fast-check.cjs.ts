/**
 * Loads fast-check for the CommonJS build, which tsup.config.ts points at this file instead
 * of load-fast-check.ts: CommonJS has no top-level await, and `require` is synchronous.
 */
import type * as FastCheck from 'fast-check';
import type { LoadedFastCheck } from './load-fast-check.js';

let loaded: LoadedFastCheck;
try {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the CommonJS build's own loader; a missing peer must be catchable
  loaded = { fc: require('fast-check') as typeof FastCheck };
} catch (error) {
  loaded = { error };
}

export default loaded;
