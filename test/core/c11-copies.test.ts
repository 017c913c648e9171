import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'tsup';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// C11: two copies of iterscope in one process, the ESM and the CommonJS build (or two
// versions), read from each other's stages with the contract intact. The fixture loads
// both builds in a plain `node` process: vitest's module runner would load sources, not
// the two bundles a user's process really holds.

let root: string;
let v1: string;
let v2: string;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'iterscope-copies-'));
  v1 = join(root, 'v1');
  await build({
    config: false,
    entry: { index: 'src/index.ts' },
    format: ['esm', 'cjs'],
    outDir: v1,
    target: 'node20',
    platform: 'node',
    dts: false,
    silent: true,
  });
  // "Another version": the same code with its shared keys one protocol version apart.
  v2 = join(root, 'v2');
  cpSync(v1, v2, { recursive: true });
  for (const file of readdirSync(v2)) {
    const path = join(v2, file);
    writeFileSync(path, readFileSync(path, 'utf8').replaceAll(/(Symbol\.for\("iterscope\.[\w.]+)\.v1"\)/g, '$1.v2")'));
  }
}, 60_000);

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

function run(esmDir: string, cjsDir: string): Record<string, unknown> {
  const child = spawnSync(process.execPath, ['--expose-gc', 'test/fixtures/two-copies.fixture.mjs', esmDir, cjsDir], {
    encoding: 'utf8',
    timeout: 30_000,
  });
  expect(child.stderr).toBe('');
  expect(child.status).toBe(0);
  return JSON.parse(child.stdout) as Record<string, unknown>;
}

const expected = {
  takeAB: { value: [1] },
  takeBA: { value: [1] },
  close: ['item 10', 'gen finally', 'b cancelled'],
  abort: ['next user left', 'b aborted true'],
  // C4: A's cleanup runs after B's stage finished closing (in the background after the abort).
  abortUp: ['next user left', 'a aborted true'],
  error: { result: { error: 'bad item' }, log: ['a error'] },
  fusionAB: { value: [20, 40] },
  fusionBA: { value: [1, 3] },
  // No promise per hop across copies on one protocol version.
  direct: { value: [20, 30, 40], nextCalls: 0 },
  reports: [],
  unhandled: [],
};

describe('C11 two copies in one process', () => {
  it('the v2 copy differs only in its shared keys', () => {
    const index = readFileSync(join(v2, 'index.js'), 'utf8');
    expect(index).toContain('iterscope.noError.v2');
    expect(index).not.toMatch(/Symbol\.for\("iterscope\.[\w.]+\.v1"\)/);
  });

  it('ESM and CommonJS builds: close, abort, error, fusion, direct reads and abandonment across the boundary', () => {
    const out = run(v1, v1);
    expect(out).toMatchObject(expected);
    // One leak, reported once by the outermost stage; the cleanup below ran as abandoned.
    expect(out['abandon']).toEqual({ log: ['b abandoned', 'gen finally'], abandoned: ['map'] });
  });

  it('two versions: each reads the other as a foreign iterator, with the same results', () => {
    const out = run(v1, v2);
    // Across protocol versions the abort reaches the other copy's stage as a plain
    // return(): it closes as any foreign iterator does, cancelled.
    // An abort from the other version's stage arrives as a rejection with a plain Error:
    // without the shared protocol it is an error, as from any foreign source.
    expect(out).toMatchObject({
      ...expected,
      abort: ['next user left', 'b cancelled false'],
      abortUp: ['a error false', 'next user left'],
      // Another protocol version: read through next(), three items and the end.
      direct: { value: [20, 30, 40], nextCalls: 4 },
    });
    const abandon = out['abandon'] as { log: string[]; abandoned: string[] };
    expect(abandon.log).toContain('gen finally');
    expect(abandon.abandoned.length).toBeGreaterThan(0);
  });
});
