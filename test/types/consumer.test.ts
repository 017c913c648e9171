/**
 * The published declarations compile where the README says they do: in a project without
 * @types/node (a browser or bundler build), with the documented `lib` entries, on the oldest
 * supported TypeScript (5.6, the first with the three-argument `AsyncIterableIterator`) and
 * on the one the repository builds with, under NodeNext and Bundler resolution.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const run = promisify(execFile);

beforeAll(async () => {
  // `npm test` builds before the tests; a lone run of this file builds if it must.
  if (!existsSync(join(root, 'dist/index.d.ts'))) await run(process.execPath, [join(root, 'node_modules/tsup/dist/cli-default.js')], { cwd: root });
}, 120_000);

describe('the declarations of iterscope', () => {
  it.each(['dist/index.d.ts', 'dist/index.d.cts'])('%s imports nothing from node:', (file) => {
    const imports = readFileSync(join(root, file), 'utf8')
      .split('\n')
      .filter((line) => /^\s*(import|export)\b.*\bfrom\s+['"]node:/.test(line));
    expect(imports).toEqual([]);
  });

  it.concurrent.each([
    ['typescript', 'tsconfig.json'],
    ['typescript', 'tsconfig.bundler.json'],
    ['typescript-5.6', 'tsconfig.json'],
    ['typescript-5.6', 'tsconfig.bundler.json'],
  ])('compile in a project without @types/node (%s, %s)', async (compiler, config) => {
    const tsc = join(root, 'node_modules', compiler, 'bin/tsc');
    const result = await run(process.execPath, [tsc, '-p', join(root, 'test/types/consumer', config)], { cwd: root }).then(
      ({ stdout }) => stdout,
      (error: unknown) => `failed:\n${(error as { stdout?: string }).stdout ?? (error as Error).message}`,
    );
    expect(result).toBe('');
  }, 60_000);
});
