/**
 * C6: every stage has `[Symbol.asyncDispose]`, so `await using stream = aclosing(source)`
 * works on Node 20 through TypeScript's downlevel helpers (iterscope targets ES2022), and
 * natively where the runtime has it. When the block threw and the close failed too, the
 * helpers' `SuppressedError` stand-in carries both; iterscope's own `throw()` attaches a
 * close error the same way with its `SuppressedError` ponyfill (no global is patched).
 * Check `err.name === 'SuppressedError'`: it is true for both.
 *
 * The program below is compiled by TypeScript itself (target ES2022), then run.
 * Run: node --import tsx docs/examples/why/iterscope/await-using.ts
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';

const program = `
import { aclosing, onReport, SuppressedError } from 'iterscope';
export const log = [];
export const reports = [];
onReport((report) => reports.push(report.type + ' in ' + report.stage));

async function* lines() {
  try { yield 'a'; yield 'b'; } finally { log.push('lines closed'); }
}
{
  await using stream = aclosing(lines());
  log.push('read ' + (await stream.next()).value);
} // leaving the block closes the stream
log.push('after the block');

async function* failingClose() {
  try { yield 1; } finally { throw new Error('close failed'); }
}
export let caught;
try {
  await using stream = aclosing(failingClose());
  await stream.next();
  throw new Error('body failed');
} catch (error) {
  caught = error;
}

export let thrown;
const stream = aclosing(failingClose());
await stream.next();
await stream.throw(new Error('consumer gave up')).catch((error) => { thrown = error; });
export const isPonyfill = thrown instanceof SuppressedError;
`;

// The compiled program imports iterscope from its sources, as the other examples do.
const entry = pathToFileURL(join(import.meta.dirname, '../../../../src/index.ts')).href;
const { outputText } = ts.transpileModule(program, {
  compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext },
});
const dir = mkdtempSync(join(tmpdir(), 'await-using-'));
try {
  const file = join(dir, 'program.mjs');
  writeFileSync(file, outputText.replace(`from 'iterscope'`, `from '${entry}'`));
  const result = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  type Suppressed = Error & { error?: Error; suppressed?: Error };
  const caught = result['caught'] as Suppressed;
  const thrown = result['thrown'] as Suppressed;
  console.log(`await using on Node ${process.version}: ${(result['log'] as string[]).join(', ')}`);
  console.log(
    `block threw, close failed: name=${caught.name}, error='${String(caught.error?.message)}', suppressed='${String(caught.suppressed?.message)}'`,
  );
  console.log(`reported: ${(result['reports'] as string[]).join(', ')}`);
  console.log(
    `stage.throw(), close failed: name=${thrown.name}, error='${String(thrown.error?.message)}', ` +
      `suppressed='${String(thrown.suppressed?.message)}', iterscope's SuppressedError: ${String(result['isPonyfill'])}`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
