import { execFile } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { allExamples } from './extract.js';

// Every example in the docs runs: README.md and docs/*.md ```ts blocks, and every TSDoc
// @example in src/. Each runs as its own program (so global state such as an OpenTelemetry
// provider cannot leak between them), importing the package by name from the sources.

const root = fileURLToPath(new URL('../..', import.meta.url));
const dir = join(root, '.doc-examples');
const examples = allExamples(root);

function fileName(where: string): string {
  return `${where.replace(/[^a-zA-Z0-9]+/g, '_')}.mts`;
}

describe('documentation examples', () => {
  it('finds examples in the README, the guides and the TSDoc', () => {
    expect(examples.some((e) => e.where.startsWith('README.md'))).toBe(true);
    expect(examples.filter((e) => e.where.startsWith('src/')).length).toBeGreaterThan(10);
  });

  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });

  it.concurrent.each(examples.map((e) => [e.where, e] as const))('%s runs', async (_where, example) => {
    const file = join(dir, fileName(example.where));
    writeFileSync(file, `${example.code}\nexport {};\n`);
    const result = await promisify(execFile)(process.execPath, ['--expose-gc', '--import', 'tsx', file], {
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
