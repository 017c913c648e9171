import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

// The suite as Stryker runs it (npm run mutation): in-process tests only. Tests that spawn
// a process (doc examples, why scripts, the built package, two copies of it, consumer type checks) cannot see
// which mutant is active, and type tests do not run code; both would only slow it down.
// Worker threads, as in the main config: a setup file exposes `gc` (they refuse
// `--expose-gc`).
export default defineConfig({
  ...base,
  test: {
    include: ['test/core/**/*.test.ts', 'test/operators/**/*.test.ts', 'test/terminals/**/*.test.ts', 'test/sources/**/*.test.ts', 'test/adapters/**/*.test.ts', 'test/otel/**/*.test.ts', 'test/property/**/*.test.ts', 'test/interop/**/*.test.ts'],
    // The two-copies test builds the package and runs it in a plain `node` process.
    // The property suite covers nearly every line, so Stryker would run its thousands of
    // scenarios for nearly every mutant: hours per directory on two cores. It is left out
    // unless ITERSCOPE_MUTATION_PROPERTY=1; scores without it count only what the
    // example-based tests kill, so they understate the whole suite's.
    exclude: [
      '**/node_modules/**',
      '**/dist/**',
      'test/core/c11-copies.test.ts',
      ...(process.env['ITERSCOPE_MUTATION_PROPERTY'] === '1' ? [] : ['test/property/**']),
    ],
    setupFiles: ['test/setup/expose-gc.ts', 'test/setup/unhandled.ts'],
  },
});
