/**
 * The runtime matrix: bundles iterscope's contract tests (test/core, test/operators,
 * test/terminals) against the built package (`dist/index.js`) and runs the same bundle on
 * the oldest supported Node, Node 22, 24 and 26, Bun, Deno and headless Chromium. Each
 * runtime prints `N passed, N failed, N skipped`; any failure, any missing runtime, or a
 * runtime that ran no test makes this exit non-zero. Bun runs one process per test file
 * (see eachFileOnBun).
 *
 * Run: npm run test:runtimes            (every runtime)
 *      npm run test:runtimes -- node22 bun   (some of them)
 *
 * The runtimes are npm packages of their own (test/runtimes/package.json, installed by
 * `npm ci --prefix test/runtimes`), so they never shadow the `node` that runs npm scripts.
 * Chromium is the system's (`chromium`, or CHROMIUM=/path/to/chrome).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';

const here = fileURLToPath(new URL('.', import.meta.url));
const root = join(here, '../..');
const bin = (path: string): string => join(here, 'node_modules', path);
const out = join(root, 'node_modules/.cache/iterscope-runtimes');

/** The test folders every runtime runs: the contract suites and the operators that keep it. */
const folders = ['test/core', 'test/operators', 'test/terminals'];

/**
 * Files of those folders that are Node-only by what they test, not by accident: the
 * two-copies test builds the package with tsup and runs child processes (C11), and the
 * scoped-contract test drives the OpenTelemetry Node SDK through the property harness.
 */
const nodeOnly = new Set([
  'test/core/c11-copies.test.ts',
  'test/core/scoped-contract.test.ts',
  // Reads package.json from disk (the engines range it checks).
  'test/core/c6-disposal.test.ts',
  // Node's process warnings, watched through process.on('warning') and vitest's mocks.
  'test/core/report-warnings.test.ts',
]);

interface Result {
  readonly runtime: string;
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
  readonly ok: boolean;
}

/** Resolve the package's own name to its build, as a consumer would get it. */
const toBuild: Plugin = {
  name: 'iterscope-build',
  setup(b) {
    b.onResolve({ filter: /^iterscope$/ }, () => ({ path: join(root, 'dist/index.js') }));
    b.onResolve({ filter: /^iterscope\/internal$/ }, () => ({ path: join(root, 'dist/internal/index.js') }));
    b.onResolve({ filter: /^vitest$/ }, () => ({ path: join(here, 'vitest-shim.ts') }));
  },
};

const only = (process.env['ITERSCOPE_RUNTIME_FILES'] ?? '').split(',').filter((part) => part !== '');

function testFiles(): string[] {
  return folders.flatMap((folder) =>
    readdirSync(join(root, folder))
      .filter((f) => f.endsWith('.test.ts'))
      .sort()
      .map((f) => `${folder}/${f}`)
      .filter((f) => !nodeOnly.has(f))
      // ITERSCOPE_RUNTIME_FILES=buffered,merge narrows the run to matching files (debugging).
      .filter((f) => only.length === 0 || only.some((part) => f.includes(part))),
  );
}

async function bundle(browser: boolean, files: readonly string[] = testFiles(), name = browser ? 'browser' : 'suite'): Promise<string> {
  // One scope per file, so a file's top-level hooks apply to its own tests only.
  const entry = [
    `import { skip, log, finish } from './platform.ts';`,
    `import { beginFile, run } from './vitest-shim.ts';`,
    ...files.map((f) => `beginFile(${JSON.stringify(f)}); await import(${JSON.stringify(relative(here, join(root, f)))});`),
    `finish(await run({ skip, log }));`,
  ].join('\n');
  const outfile = join(out, `${name}.mjs`);
  await build({
    stdin: { contents: entry, resolveDir: here, sourcefile: 'entry.ts', loader: 'ts' },
    bundle: true,
    format: 'esm',
    // ES2022 like the package: `using` in tests is lowered, top-level await is kept.
    target: 'es2022',
    platform: browser ? 'browser' : 'neutral',
    mainFields: ['module', 'main'],
    external: browser ? [] : ['node:*'],
    alias: browser ? { 'node:events': join(here, 'node-events-stub.ts') } : {},
    plugins: [toBuild],
    // Stack traces name the test files (a C7 test checks that leak reports point at them).
    sourcemap: 'inline',
    outfile,
    logLevel: 'warning',
  });
  return outfile;
}

/** Runs one command, prefixes its output with the runtime, and reads its closing count. */
function runCommand(runtime: string, command: string, args: string[], mayRunNone = false): Promise<Result> {
  return new Promise((resolve) => {
    if (!existsSync(command)) {
      console.log(`${runtime}: missing ${command} (run: npm ci --prefix test/runtimes)`);
      resolve({ runtime, passed: 0, failed: 0, skipped: 0, ok: false });
      return;
    }
    const child = spawn(command, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1', ITERSCOPE_RUNTIME_MATRIX: '1' } });
    let text = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 5 * 60_000);
    const take = (chunk: Buffer): void => {
      text += chunk.toString();
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve(parse(runtime, text, code === 0, mayRunNone));
    });
  });
}

function parse(runtime: string, text: string, exitedZero: boolean, mayRunNone = false): Result {
  const lines = text.trimEnd().split('\n');
  for (const l of lines) if (!/^\d+ passed, \d+ failed/.test(l)) console.log(`  [${runtime}] ${l}`);
  const count = /^(\d+) passed, (\d+) failed, (\d+) skipped$/m.exec(text);
  const [passed, failed, skipped] = count === null ? [0, 0, 0] : [Number(count[1]), Number(count[2]), Number(count[3])];
  const ok = exitedZero && count !== null && failed === 0 && (passed > 0 || mayRunNone);
  console.log(`${runtime}: ${String(passed)} passed, ${String(failed)} failed, ${String(skipped)} skipped${ok ? '' : ' (FAILED)'}`);
  return { runtime, passed, failed, skipped, ok };
}

async function chromium(file: string): Promise<Result> {
  const runtime = 'chromium';
  const executablePath = process.env['CHROMIUM'] ?? '/usr/bin/chromium';
  if (!existsSync(executablePath)) {
    console.log(`${runtime}: missing ${executablePath} (apt-get install chromium, or set CHROMIUM)`);
    return { runtime, passed: 0, failed: 0, skipped: 0, ok: false };
  }
  const { chromium: launcher } = await import('playwright-core');
  const profile = join(out, `profile-${String(process.pid)}`);
  mkdirSync(profile, { recursive: true });
  const context = await launcher.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--js-flags=--expose-gc',
    ],
  });
  let text = '';
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    page.on('console', (message) => {
      text += `${message.text()}\n`;
    });
    page.on('pageerror', (error) => {
      text += `page error: ${String(error)}\n`;
    });
    await page.setContent('<!doctype html><title>iterscope</title>');
    await page.addScriptTag({ content: readFileSync(file, 'utf8'), type: 'module' });
    await page.waitForFunction(() => '__iterscopeResult' in globalThis, undefined, { timeout: 5 * 60_000, polling: 200 });
  } catch (error) {
    text += `driver: ${String(error)}\n`;
  } finally {
    await context.close();
  }
  return parse(runtime, text, true);
}

const node = (version: string): [string, () => Promise<Result>] => [
  `node${version}`,
  () => runCommand(`node${version}`, bin(`node${version}/bin/node`), ['--expose-gc', '--enable-source-maps', join(out, 'suite.mjs')]),
];

/**
 * Bun runs each test file in a process of its own. JavaScriptCore scans the stack
 * conservatively, and a stage an earlier file dropped can stay reachable from a stale slot
 * for the rest of the process: in one bundle, a later file's collection tests then see a
 * report one test late, depending on which files ran before (V8 runtimes do not). One
 * process per file makes each file's result its own.
 */
async function eachFileOnBun(): Promise<Result> {
  const runtime = 'bun';
  const files = testFiles();
  const results: Result[] = [];
  for (const [i, file] of files.entries()) {
    const bundled = await bundle(false, [file], `bun-${String(i)}`);
    results.push(await runCommand(`bun ${file.replace(/^test\//, '')}`, bin('bun/bin/bun.exe'), ['run', bundled], true));
  }
  const sum = (key: 'passed' | 'failed' | 'skipped'): number => results.reduce((n, r) => n + r[key], 0);
  const passed = sum('passed');
  const ok = results.length > 0 && results.every((r) => r.ok) && passed > 0;
  console.log(`${runtime}: ${String(passed)} passed, ${String(sum('failed'))} failed, ${String(sum('skipped'))} skipped, in ${String(files.length)} processes${ok ? '' : ' (FAILED)'}`);
  return { runtime, passed, failed: sum('failed'), skipped: sum('skipped'), ok };
}

const runtimes = new Map<string, () => Promise<Result>>([
  node('20'),
  node('22'),
  node('24'),
  node('26'),
  ['bun', eachFileOnBun],
  ['deno', () => runCommand('deno', bin('deno/deno'), ['run', '-A', '--v8-flags=--expose-gc', join(out, 'suite.mjs')])],
  ['chromium', () => chromium(join(out, 'browser.mjs'))],
]);

const wanted = process.argv.slice(2);
for (const name of wanted) if (!runtimes.has(name)) throw new RangeError(`unknown runtime '${name}'; known: ${[...runtimes.keys()].join(', ')}`);
if (!existsSync(join(root, 'dist/index.js'))) throw new Error('dist/index.js is missing: run `npm run build` first');

await bundle(false);
await bundle(true);
const results: Result[] = [];
for (const [name, start] of runtimes) if (wanted.length === 0 || wanted.includes(name)) results.push(await start());

const failedRuntimes = results.filter((r) => !r.ok).map((r) => r.runtime);
const passed = results.reduce((sum, r) => sum + r.passed, 0);
// A runtime that failed without a failing test (missing, crashed, ran nothing) counts as one.
const failed = results.reduce((sum, r) => sum + (r.ok ? 0 : Math.max(r.failed, 1)), 0);
console.log(failedRuntimes.length === 0 ? `every runtime passed: ${results.map((r) => r.runtime).join(', ')}` : `FAILED on: ${failedRuntimes.join(', ')}`);
console.log(`runtimes: ${String(passed)} passed, ${String(failed)} failed`);
process.exitCode = failedRuntimes.length === 0 ? 0 : 1;
