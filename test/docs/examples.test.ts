import { execFile } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { build, type Plugin } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { allExamples } from './extract.js';

// Every example in the docs runs: README.md and docs/*.md ```ts blocks, and every TSDoc
// @example in src/. Each runs as its own program (so global state such as an OpenTelemetry
// provider cannot leak between them), importing the package by name from the sources.
// All of them are compiled in one esbuild call first, so each process starts plain Node
// instead of a TypeScript loader that compiles the sources again for every example.

const root = fileURLToPath(new URL('../..', import.meta.url));
const dir = join(root, '.doc-examples');
const examples = allExamples(root);

function fileName(where: string): string {
  return `${where.replace(/[^a-zA-Z0-9]+/g, '_')}.mts`;
}

/** `iterscope` and its subpaths resolve to the sources, as in the tests; other packages stay imports. */
const sources: Plugin = {
  name: 'iterscope-sources',
  setup(b) {
    const entries: Record<string, string> = {
      iterscope: 'src/index.ts',
      'iterscope/internal': 'src/core/internal.ts',
      'iterscope/otel': 'src/otel/index.ts',
      'iterscope/testing': 'src/testing/index.ts',
      'iterscope/node': 'src/node/index.ts',
    };
    b.onResolve({ filter: /^iterscope(\/[a-z]+)?$/ }, (args) => {
      const entry = entries[args.path];
      return entry === undefined ? undefined : { path: join(root, entry) };
    });
  },
};

describe('documentation examples', () => {
  it('finds examples in the README, the guides and the TSDoc', () => {
    expect(examples.some((e) => e.where.startsWith('README.md'))).toBe(true);
    expect(examples.filter((e) => e.where.startsWith('src/')).length).toBeGreaterThan(10);
  });

  beforeAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const files = examples.map((example) => {
      const file = join(dir, fileName(example.where));
      writeFileSync(file, `${example.code}\nexport {};\n`);
      return file;
    });
    await build({
      entryPoints: files,
      outdir: dir,
      outExtension: { '.js': '.mjs' },
      bundle: true,
      format: 'esm',
      platform: 'node',
      // The package's own target: `await using` is lowered as it is for users on Node 20.
      target: 'es2022',
      packages: 'external',
      plugins: [sources],
      logLevel: 'error',
    });
  }, 120_000);

  it.concurrent.each(examples.map((e) => [e.where, e] as const))('%s runs', async (_where, example) => {
    const file = join(dir, fileName(example.where).replace(/\.mts$/, '.mjs'));
    const result = await promisify(execFile)(process.execPath, ['--expose-gc', file], {
      cwd: root,
      timeout: 30_000,
      env: { ...process.env, NODE_NO_WARNINGS: '1' },
    }).then(
      () => 'ok',
      (err: unknown) => {
        const e = err as { stderr?: string; message?: string };
        return `${e.message ?? String(err)}\n${e.stderr ?? ''}`;
      },
    );
    expect(result).toBe('ok');
  }, 40_000);
});
