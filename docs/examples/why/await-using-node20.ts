/**
 * `await using` on Node 20 and 22: `Symbol.asyncDispose` exists, `SuppressedError`,
 * `DisposableStack` and `AsyncDisposableStack` do not, and async generators are not
 * disposable. TypeScript with a target of ES2022 (iterscope's) downlevels `await using`
 * into helpers that run there; with ESNext it emits the native syntax, which Node 20 and 22
 * reject. The helpers' stand-in for `SuppressedError` is a plain `Error` carrying `name`,
 * `error` (the disposal's error) and `suppressed` (the earlier one). From Node 24 on, all of
 * it is native: the same program prints what that runtime does, since it reports facts of
 * the runtime it runs on rather than of the one the guide was written on.
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
export let generatorClosed = false;
async function* numbers() {
  try { yield 1; } finally { generatorClosed = true; }
}
export let generatorError;
try {
  await using g = numbers();
  await g.next();
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

/** What the compiled program did, as the lines the guide shows. */
function describeRun(label: string, exports: Record<string, unknown>): void {
  const caught = exports['caught'] as Error & { error?: Error; suppressed?: Error };
  console.log(
    `${label}: ran; caught name=${caught.name}, constructor=${caught.constructor.name}, ` +
      `error='${String(caught.error?.message)}', suppressed='${String(caught.suppressed?.message)}'`,
  );
  // Where async generators are disposable, `await using` closes one (its finally runs);
  // elsewhere the declaration itself throws.
  const generatorError = exports['generatorError'] as Error | undefined;
  console.log(
    generatorError === undefined
      ? `${label}: await using on an async generator closed it, finally ran: ${String(exports['generatorClosed'])}`
      : `${label}: await using on an async generator threw '${generatorError.message}'`,
  );
}

try {
  describeRun('ES2022 target', await compileAndRun(ts.ScriptTarget.ES2022));
  let esnext: Record<string, unknown> | undefined;
  try {
    esnext = await compileAndRun(ts.ScriptTarget.ESNext);
  } catch (error) {
    console.log(`ESNext target: Node rejected it: ${(error as Error).name}: ${(error as Error).message}`);
  }
  if (esnext !== undefined) describeRun('ESNext target', esnext);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
