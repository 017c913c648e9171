import { join } from 'node:path';
import { defineConfig } from 'tsup';
import type { Plugin } from 'esbuild';

/**
 * `iterscope/testing` loads its optional peer fast-check with a top-level `await import()`
 * (src/testing/load-fast-check.ts), so that a missing one is reported as such. CommonJS has
 * no top-level await: its build loads it with `require` from the sibling `.cjs.ts` file.
 * tsup builds CommonJS through ESM, so the format is read from its `TSUP_FORMAT` define.
 */
const fastCheckLoader: Plugin = {
  name: 'iterscope-fast-check-loader',
  setup(build) {
    if (build.initialOptions.define?.['TSUP_FORMAT'] !== JSON.stringify('cjs')) return;
    build.onResolve({ filter: /^\.\/load-fast-check\.js$/ }, (args) => ({ path: join(args.resolveDir, 'load-fast-check.cjs.ts') }));
  },
};

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    'internal/index': 'src/core/internal.ts',
    'otel/index': 'src/otel/index.ts',
    'testing/index': 'src/testing/index.ts',
    'node/index': 'src/node/index.ts',
  },
  // With "type": "module" in package.json, tsup writes ESM as .js/.d.ts and
  // CJS as .cjs/.d.cts, matching the exports map.
  format: ['esm', 'cjs'],
  dts: true,
  target: 'node20',
  platform: 'node',
  sourcemap: true,
  clean: true,
  treeshake: true,
  // The root and `iterscope/internal` share their code through chunks instead of each
  // carrying a copy, in CommonJS too (tsup's splitting is off for CJS by default): one
  // StageBase class at runtime.
  splitting: true,
  // The otel and testing entries import the core as `iterscope` and `iterscope/internal`
  // so that core classes keep one identity instead of being copied into every entry.
  external: ['@opentelemetry/api', 'fast-check', 'iterscope', /^iterscope\//],
  // `iterscope/node` imports `node:stream`: keep the prefix, which Deno requires.
  removeNodeProtocol: false,
  esbuildPlugins: [fastCheckLoader],
});
