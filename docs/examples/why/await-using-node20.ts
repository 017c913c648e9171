/**
 * `await using` on Node 20: `Symbol.asyncDispose` exists, `SuppressedError`,
 * `DisposableStack` and `AsyncDisposableStack` do not, and async generators are not
 * disposable. TypeScript with a target of ES2022 (iterscope's) downlevels `await using`
 * into helpers that run on Node 20; with ESNext it emits the native syntax, which Node 20
 * rejects. The helpers' stand-in for `SuppressedError` is a plain `Error` carrying `name`,
 * `error` (the disposal's error) and `suppressed` (the earlier one).
 *
 * The program below is compiled by TypeScript itself, then run.
 * Run: node --import tsx docs/examples/why/await-using-node20.ts
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';

const g = globalThis as Record<string, unknown>;
console.log(`Node ${process.version}: Symbol.asyncDispose is a ${typeof Symbol.asyncDispose}`);
for (const name of ['SuppressedError', 'DisposableStack', 'AsyncDisposableStack']) console.log(`${name}: ${typeof g[name]}`);
async function* numbers(): AsyncGenerator<number> {
  yield 1;
}
console.log(`an async generator has [Symbol.asyncDispose]: ${String(Symbol.asyncDispose in numbers())}`);

const program = `
const resource = (name) => ({
  async [Symbol.asyncDispose]() { throw new Error(name + ': dispose failed'); },
});
export let caught;
try {
  await using r = resource('r');
  throw new Error('body failed');
} catch (error) {
  caught = error;
}
async function* numbers() { yield 1; }
export let generatorError;
try {
  await using g = numbers();
} catch (error) {
  generatorError = error;
}
`;

const dir = mkdtempSync(join(tmpdir(), 'await-using-'));
async function compileAndRun(target: ts.ScriptTarget): Promise<Record<string, unknown>> {
  const { outputText } = ts.transpileModule(program, {
    compilerOptions: { target, module: ts.ModuleKind.ESNext },
  });
  const file = join(dir, `${ts.ScriptTarget[target]}.mjs`);
  writeFileSync(file, outputText);
  return (await import(pathToFileURL(file).href)) as Record<string, unknown>;
}

try {
  const es2022 = await compileAndRun(ts.ScriptTarget.ES2022);
  const caught = es2022['caught'] as Error & { error?: Error; suppressed?: Error };
  console.log(
    `ES2022 target: ran; caught name=${caught.name}, constructor=${caught.constructor.name}, ` +
      `error='${String(caught.error?.message)}', suppressed='${String(caught.suppressed?.message)}'`,
  );
  console.log(`ES2022 target: await using on an async generator threw '${(es2022['generatorError'] as Error).message}'`);
  try {
    await compileAndRun(ts.ScriptTarget.ESNext);
    console.log('ESNext target: ran');
  } catch (error) {
    console.log(`ESNext target: Node rejected it: ${(error as Error).name}: ${(error as Error).message}`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
