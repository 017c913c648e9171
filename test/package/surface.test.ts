/**
 * The built package as consumers load it (`node` resolving `iterscope` through the exports
 * map to dist/, ESM and CommonJS): the root exports nothing internal, and the root, the
 * `iterscope/internal` entry and `iterscope/otel` share ONE stage class, so a stage made by
 * one entry is recognised by the others (`instanceof`, fusion, abort wiring); a user operator
 * from `defineOperator` is that class too, and its `skip`/`stop` are the base's. `iterscope/node`
 * loads in both formats and reads a stage made by the root.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const run = promisify(execFile);

beforeAll(async () => {
  // `npm test` builds before the tests; a lone run of this file builds if it must.
  if (!existsSync(join(root, 'dist/internal/index.cjs'))) await run(process.execPath, [join(root, 'node_modules/tsup/dist/cli-default.js')], { cwd: root });
}, 120_000);

/** Runs a snippet from the package root, where `iterscope` resolves to the build. */
async function node(code: string, esm: boolean): Promise<unknown> {
  const args = esm ? ['--input-type=module', '-e', code] : ['-e', code];
  const { stdout } = await run(process.execPath, args, { cwd: root });
  return JSON.parse(stdout) as unknown;
}

const esm = `
import * as core from 'iterscope';
import * as internal from 'iterscope/internal';
import { traced } from 'iterscope/otel';
import { toNodeReadable } from 'iterscope/node';
`;
const cjs = `
const core = require('iterscope');
const internal = require('iterscope/internal');
const { traced } = require('iterscope/otel');
const { toNodeReadable } = require('iterscope/node');
`;
const check = `
toNodeReadable(core.pipe([1, 2], core.map((x) => x * 2))).toArray().then((node) => console.log(JSON.stringify({
  leaked: Object.keys(core).filter((name) => name in internal),
  aclosing: core.aclosing([1]) instanceof internal.StageBase,
  operator: core.pipe([1], core.map((x) => x)) instanceof internal.StageBase,
  otel: core.pipe([1], traced({ name: 'span' })) instanceof internal.StageBase,
  defined: core.pipe([1], core.defineOperator('mine', {})) instanceof internal.StageBase,
  sentinels: core.skip === internal.SKIP && core.stop === internal.STOP,
  node,
})));
`;

describe.each([
  ['ESM', esm, true],
  ['CommonJS', cjs, false],
] as const)('the %s build', (_format, imports, isEsm) => {
  it('exports nothing internal from the root, has one stage class across entries, and loads iterscope/node', async () => {
    expect(await node(imports + check, isEsm)).toEqual({ leaked: [], aclosing: true, operator: true, otel: true, defined: true, sentinels: true, node: [2, 4] });
  }, 30_000);
});
