/**
 * fast-check is an optional peer: without it, `iterscope/testing` still imports (ESM and
 * CommonJS alike), what does not need it still works, and the first call that needs it
 * throws an error naming fast-check, the supported range and the install command, instead
 * of the runtime's module-resolution error. Checked on the built package, installed in a
 * temporary `node_modules` that has no fast-check, with a plain `node` per consumer:
 * vitest's module runner would resolve fast-check from the repository.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'tsup';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAST_CHECK_RANGE } from '../../src/testing/fast-check.js';

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { peerDependencies: Record<string, string> };
const range = pkg.peerDependencies['fast-check'] ?? '';

let root: string;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'iterscope-no-fast-check-'));
  const installed = join(root, 'node_modules/iterscope');
  mkdirSync(installed, { recursive: true });
  // The package's own build (tsup.config.ts), without declarations: what a user installs.
  await build({ outDir: join(installed, 'dist'), dts: false, sourcemap: false, silent: true });
  cpSync('package.json', join(installed, 'package.json'));
}, 60_000);

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

/** What a consumer does after loading `testing` and `aclosing`: a fast-check-free call, and the two kinds of call that need it. */
const body = `
const out = {};
// Usable without fast-check: one hand-written scenario.
const violations = await testing.checkScenario(({ source, signal }) => aclosing(source, { signal }), {
  sources: [{ kind: 'async', items: 3, parkAt: 1 }], stages: [], consumer: { steps: [{ op: 'next' }, { op: 'pending-next' }], end: 'return' }, seed: 1,
});
out.checkScenario = violations.map((v) => v.invariant + ": " + v.message);
try { testing.scenarios(); } catch (error) { out.scenarios = error.message; }
await testing.checkContract(({ source, signal }) => aclosing(source, { signal }), { runs: 1 }).catch((error) => { out.checkContract = error.message; });
console.log(JSON.stringify(out));
`;

function run(file: string, text: string): Record<string, unknown> {
  const path = join(root, file);
  writeFileSync(path, text);
  const child = spawnSync(process.execPath, [path], { cwd: root, encoding: 'utf8', timeout: 30_000, env: { ...process.env, NODE_PATH: '' } });
  expect(child.stderr).toBe('');
  expect(child.status).toBe(0);
  return JSON.parse(child.stdout) as Record<string, unknown>;
}

function expectFriendly(out: Record<string, unknown>): void {
  expect(out['checkScenario']).toEqual([]);
  for (const [call, message] of [['scenarios()', out['scenarios']], ['checkContract()', out['checkContract']]] as const) {
    expect(message).toContain(`iterscope/testing: ${call} needs fast-check ${range}, an optional peer dependency of iterscope`);
    expect(message).toContain(`npm install --save-dev "fast-check@${range}"`);
  }
}

describe('iterscope/testing without fast-check installed', () => {
  it('the range in the message is the one package.json declares', () => {
    expect(range).not.toBe('');
    expect(FAST_CHECK_RANGE).toBe(range);
  });

  it('ESM: imports, checkScenario works, the calls that need fast-check say how to install it', () => {
    const load = `const testing = await import('iterscope/testing');\nconst { aclosing } = await import('iterscope');`;
    expectFriendly(run('consumer.mjs', `${load}\n${body}`));
  });

  it('CommonJS: the same', () => {
    // CommonJS has no top-level await: the consumer's body runs in an async function.
    const load = `const testing = require('iterscope/testing');\nconst { aclosing } = require('iterscope');`;
    expectFriendly(run('consumer.cjs', `${load}\n(async () => {${body}})();`));
  });
});
