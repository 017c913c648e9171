/**
 * `npm run bench`: runs every suite in `bench/suites/` (alphabetically) in this one
 * process and writes `docs/benchmarks.md` with the machine, the versions and each
 * suite's section. See `bench/lib/timing.ts` for the suite shape and the helpers.
 *
 * Suites import `iterscope` by name, and `npm run bench` runs with bench/tsconfig.dist.json
 * (no `paths`), so the name resolves to the built `dist/`: what users install. The dev
 * loader's transform of the sources keeps function names with a helper call per closure,
 * which costs memory and time that no user pays.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';

interface Section {
  readonly title: string;
  readonly markdown: string;
}

const root = new URL('..', import.meta.url);
const suitesDir = new URL('./suites/', import.meta.url);

function version(pkg: string): string {
  try {
    const json = JSON.parse(readFileSync(new URL(`node_modules/${pkg}/package.json`, root), 'utf8')) as { version: string };
    return json.version;
  } catch {
    return 'not installed';
  }
}

const started = Date.now();
const files = readdirSync(fileURLToPath(suitesDir))
  .filter((f) => f.endsWith('.ts'))
  .sort();
const sections: Section[] = [];
for (const file of files) {
  const mod = (await import(pathToFileURL(fileURLToPath(new URL(file, suitesDir))).href)) as {
    default: () => Promise<Section>;
  };
  console.log(`\n== ${file}`);
  sections.push(await mod.default());
}

const cpus = os.cpus();
const own = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { version: string };
const packages = ['ix', 'streaming-iterables', 'it-map', 'it-filter', '@repeaterjs/repeater', '@opentelemetry/api', '@opentelemetry/context-async-hooks'];
const markdown = [
  '# Benchmarks',
  '',
  'Written by `npm run bench` (`bench/run.ts`); every number on this page comes from one run, in one process (except where a section says otherwise). Ratios are only meaningful within this run.',
  '',
  `- Machine: ${cpus[0]?.model.trim() ?? 'unknown CPU'}, ${String(cpus.length)} cores, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB memory, ${os.platform()} ${os.release()}`,
  `- Node ${process.version}; iterscope ${own.version}; ${packages.map((p) => `${p} ${version(p)}`).join(', ')}`,
  `- Date: ${new Date().toISOString().slice(0, 10)}; total run time ${((Date.now() - started) / 1000).toFixed(0)} s`,
  '- What runs: the built package (`dist/`, what npm installs), imported as `iterscope`; `npm run bench` builds it first. (Through the dev loader the sources carry a name helper on every closure, which adds about 1.5 KB to each open stage and skews the timings.)',
  '',
  ...sections.flatMap((s) => [`## ${s.title}`, '', s.markdown, '']),
].join('\n');
writeFileSync(new URL('docs/benchmarks.md', root), markdown);
console.log(`\nWrote docs/benchmarks.md in ${((Date.now() - started) / 1000).toFixed(0)} s`);
