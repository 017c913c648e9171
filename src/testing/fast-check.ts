/**
 * fast-check is an optional peer of iterscope: the generated runs need it, the rest of
 * `iterscope/testing` (checkScenario, probe, Timeline, stageKind, spanCheck, ...) does not.
 * So a missing fast-check never fails the import; the first call that needs it throws an
 * error that names the package, the supported range and the install command, instead of
 * the runtime's module-resolution error from deep inside the package. The same in the ESM
 * and the CommonJS build: each loads fast-check its own way (load-fast-check.ts,
 * load-fast-check.cjs.ts) and hands the outcome here.
 */
import type * as FastCheck from 'fast-check';
import loaded from './load-fast-check.js';

/**
 * The fast-check versions iterscope supports: `peerDependencies['fast-check']` in
 * package.json (test/testing/missing-fast-check.test.ts keeps the two equal).
 */
export const FAST_CHECK_RANGE = '^4.0.0';

/**
 * fast-check, or a clear error for `caller` (e.g. `checkContract()`) when it could not be
 * loaded. The cause says why (not installed, or installed but failing to load). @internal
 */
export function fastCheck(caller: string): typeof FastCheck {
  if ('fc' in loaded) return loaded.fc;
  const why = loaded.error instanceof Error ? loaded.error.message.split('\n')[0] : String(loaded.error);
  throw new Error(
    `iterscope/testing: ${caller} needs fast-check ${FAST_CHECK_RANGE}, an optional peer dependency of iterscope, and it could not be loaded (${why ?? ''}). ` +
      `Install it next to iterscope: npm install --save-dev "fast-check@${FAST_CHECK_RANGE}"`,
    { cause: loaded.error },
  );
}
