import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (path: string): string => fileURLToPath(new URL(`./src/${path}`, import.meta.url));

export default defineConfig({
  resolve: {
    // Resolve the package's own name to its sources, so tests and the
    // subpath entries never need a build first (mirrors `paths` in tsconfig).
    alias: [
      { find: /^iterscope$/, replacement: src('index.ts') },
      { find: /^iterscope\/internal$/, replacement: src('core/internal.ts') },
      { find: /^iterscope\/otel$/, replacement: src('otel/index.ts') },
      { find: /^iterscope\/testing$/, replacement: src('testing/index.ts') },
    ],
  },
  test: {
    include: ['test/**/*.test.ts', 'docs/examples/**/*.test.ts', 'examples/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**', 'test/fixtures/**'],
    // Child processes, so every worker can get its own Node flags.
    pool: 'forks',
    // Vitest 4 takes worker Node flags at the top level (poolOptions is gone).
    // `--expose-gc` lets leak tests force collection via `globalThis.gc()`.
    execArgv: ['--expose-gc'],
    setupFiles: ['test/setup/unhandled.ts'],
    typecheck: {
      enabled: true,
      include: ['test/**/*.test-d.ts'],
      tsconfig: 'tsconfig.json',
    },
  },
});
