import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inspect } from 'node:util';
import { Worker } from 'node:worker_threads';
import { build, type Plugin } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { allExamples } from './extract.js';

// Every example in the docs runs: README.md and docs/*.md ```ts blocks, and every TSDoc
// @example in src/. Each runs as its own program, in a worker thread of its own (so global
// state such as an OpenTelemetry provider cannot leak between them), importing the package
// by name from the sources. All of them are compiled in one esbuild call first, so each
// starts plain JavaScript instead of a TypeScript loader that compiles the sources again
// for every example.

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
    expect(await runAlone(file)).toBe('ok');
  }, 40_000);
});

/**
 * Runs one compiled example in a worker thread of its own: a fresh JavaScript realm (its own
 * globals, so an OpenTelemetry provider or a context manager one example registers is not
 * seen by another) without the start-up of a whole process for each of the ~200 examples.
 * What it prints is kept, and shown only if it fails: an uncaught error (an unhandled
 * rejection is one) or an exit code other than 0, or still running after 30 s.
 */
function runAlone(file: string): Promise<string> {
  return new Promise((resolve) => {
    const worker = new Worker(file, { stdout: true, stderr: true, env: { ...process.env, NODE_NO_WARNINGS: '1' } });
    let printed = '';
    worker.stdout.on('data', (chunk: Buffer) => (printed += chunk.toString()));
    worker.stderr.on('data', (chunk: Buffer) => (printed += chunk.toString()));
    let failure: unknown;
    worker.on('error', (error) => (failure ??= error));
    const timer = setTimeout(() => {
      failure ??= new Error('still running after 30 s');
      void worker.terminate();
    }, 30_000);
    worker.on('exit', (code) => {
      clearTimeout(timer);
      if (failure === undefined && code === 0) resolve('ok');
      else resolve(`${failure === undefined ? `exit code ${String(code)}` : inspect(failure)}\n${printed}`);
    });
  });
}
