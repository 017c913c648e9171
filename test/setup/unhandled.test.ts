import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const vitestBin = join(root, 'node_modules', 'vitest', 'vitest.mjs');

/** Runs one fixture file in a separate Vitest process. */
function runFixture(file: string): { status: number | null; output: string } {
  // Drop the variables of the Vitest run we are inside of, so the child is a
  // fresh top-level run.
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.startsWith('VITEST')),
  );
  const result = spawnSync(
    process.execPath,
    [vitestBin, 'run', '--config', 'test/fixtures/vitest.config.ts', file],
    { cwd: root, env: { ...env, NO_COLOR: '1' }, encoding: 'utf8', timeout: 60_000 },
  );
  return { status: result.status, output: `${result.stdout}\n${result.stderr}` };
}

describe('test worker setup', () => {
  test('workers run with --expose-gc', () => {
    expect(typeof globalThis.gc).toBe('function');
  });

  test('a file that leaves an unhandled rejection fails', { timeout: 60_000 }, () => {
    const { status, output } = runFixture('test/fixtures/unhandled-rejection.fixture.ts');
    expect(status, output).not.toBe(0);
    expect(output).toContain('unhandled errors occurred in this test file');
    expect(output).toContain('fixture: deliberately unhandled');
  });

  test('a file that handles its rejections passes', { timeout: 60_000 }, () => {
    const { status, output } = runFixture('test/fixtures/clean.fixture.ts');
    expect(status, output).toBe(0);
  });
});
