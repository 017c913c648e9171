/**
 * Loads fast-check for the ESM build (and for sources run directly): a dynamic import, so
 * that a missing fast-check is an outcome to report (fast-check.ts) and not a link error
 * that fails the whole `iterscope/testing` import. The CommonJS build swaps in
 * load-fast-check.cjs.ts (tsup.config.ts), which cannot await at top level.
 */
import type * as FastCheck from 'fast-check';

/** fast-check's module, or why it could not be loaded. @internal */
export type LoadedFastCheck = { readonly fc: typeof FastCheck } | { readonly error: unknown };

let loaded: LoadedFastCheck;
try {
  loaded = { fc: await import('fast-check') };
} catch (error) {
  loaded = { error };
}

export default loaded;
