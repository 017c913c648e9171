import { defineConfig } from 'tsup';

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    'otel/index': 'src/otel/index.ts',
    'testing/index': 'src/testing/index.ts',
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
  // Subpath entries import the root entry as `iterscope` so that core classes
  // keep one identity instead of being copied into every entry.
  external: ['@opentelemetry/api', 'fast-check', 'iterscope', /^iterscope\//],
});
