/**
 * `npm run bench`: runs every suite in `bench/suites/` (alphabetically) in this one
 * process and writes `docs/benchmarks.md` with the machine, the versions, each suite's
 * section and how far its ratios moved since the previous run on this machine. See `bench/lib/timing.ts` for the suite shape and the helpers.
 *
 * Suites import `iterscope` by name, and `npm run bench` runs with bench/tsconfig.dist.json
 * (no `paths`), so the name resolves to the built `dist/`: what users install. The dev
 * loader's transform of the sources keeps function names with a helper call per closure,
 * which costs memory and time that no user pays.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
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
// ITERSCOPE_BENCH_SUITES=pipeline,otel runs only those suites (a quicker check of one change).
const only = process.env['ITERSCOPE_BENCH_SUITES']?.split(',').map((s) => `${s.trim()}.ts`);
const files = readdirSync(fileURLToPath(suitesDir))
  .filter((f) => f.endsWith('.ts') && (only === undefined || only.includes(f)))
  .sort();
const sections: Section[] = [];
for (const file of files) {
  const mod = (await import(pathToFileURL(fileURLToPath(new URL(file, suitesDir))).href)) as {
    default: () => Promise<Section>;
  };
  console.log(`\n== ${file}`);
  sections.push(await mod.default());
}

const repeat = reproducibility(sections);

const cpus = os.cpus();
const reclaim = memoryReclaim();
const own = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { version: string };
const packages = ['ix', 'streaming-iterables', 'it-map', 'it-filter', '@repeaterjs/repeater', '@opentelemetry/api', '@opentelemetry/context-async-hooks'];
const markdown = [
  '# Benchmarks',
  '',
  'Written by `npm run bench` (`bench/run.ts`); every number on this page comes from one run, in one process (except where a section says otherwise). Ratios are only meaningful within this run.',
  '',
  `- Machine: ${cpus[0]?.model.trim() ?? 'unknown CPU'}, ${String(cpus.length)} cores, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB memory, ${os.platform()} ${os.release()}`,
  ...(reclaim === undefined ? [] : [`- ${reclaim}`]),
  `- Node ${process.version}; iterscope ${own.version}; ${packages.map((p) => `${p} ${version(p)}`).join(', ')}`,
  `- Date: ${new Date().toISOString().slice(0, 10)}; total run time ${((Date.now() - started) / 1000).toFixed(0)} s`,
  '- What runs: the built package (`dist/`, what npm installs), imported as `iterscope`; `npm run bench` builds it first. (Through the dev loader the sources carry a name helper on every closure, which adds about 1.5 KB to each open stage and skews the timings.)',
  '',
  ...sections.flatMap((s) => [`## ${s.title}`, '', s.markdown, '']),
  ...repeat,
].join('\n');
if (only === undefined) {
  writeFileSync(new URL('docs/benchmarks.md', root), markdown);
  console.log('\nWrote docs/benchmarks.md');
}
else console.log('\nOnly some suites ran: docs/benchmarks.md is left as it was.');
console.log(`\nDone in ${((Date.now() - started) / 1000).toFixed(0)} s`);

/**
 * Every ratio this run reported (a table cell such as `0.46×`), keyed by section, row and
 * column. They are kept in `bench/results/last.json` (not committed) and compared with the
 * previous run's on this machine: a benchmark whose ratios move by more than 10% from one
 * run to the next does not measure what it says.
 */
function ratiosOf(list: readonly Section[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const section of list) {
    let headers: string[] = [];
    // A section may hold several tables: each is named by the heading above it, if any.
    let table = section.title;
    for (const line of section.markdown.split('\n')) {
      if (line.startsWith('#')) table = `${section.title} / ${line.replace(/^#+\s*/, '')}`;
      if (!line.startsWith('|')) {
        headers = [];
        continue;
      }
      const cells = line.slice(1, -1).split('|').map((c) => c.trim());
      if (headers.length === 0) {
        headers = cells;
        continue;
      }
      // A row is named by its first cell and the cells after it up to the first number
      // (the context-manager column of the tracing table, for one).
      const end = cells.findIndex((cell, i) => i > 0 && /\d/.test(cell));
      const row = cells.slice(0, end === -1 ? cells.length : end).join(', ');
      cells.forEach((cell, i) => {
        const match = /^(\d+(?:\.\d+)?)×$/.exec(cell);
        if (match !== null && i > 0) out[`${table} / ${row} / ${headers[i] ?? ''}`] = Number(match[1]);
      });
    }
  }
  return out;
}

function reproducibility(list: readonly Section[]): string[] {
  const dir = new URL('bench/results/', root);
  const file = new URL('last.json', dir);
  const now = ratiosOf(list);
  const before = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { date: string; ratios: Record<string, number> }) : undefined;
  mkdirSync(dir, { recursive: true });
  // A run of some suites only updates their ratios and keeps the others'.
  const kept = only === undefined ? now : { ...before?.ratios, ...now };
  writeFileSync(file, JSON.stringify({ date: new Date().toISOString(), ratios: kept }, null, 1));
  if (before === undefined) {
    console.log(`\n${String(Object.keys(now).length)} ratios kept in bench/results/last.json; the next run compares with them.`);
    return [];
  }
  const rows = Object.entries(now)
    .filter(([key]) => before.ratios[key] !== undefined)
    .map(([key, value]) => ({ key, value, was: before.ratios[key] ?? NaN, change: value / (before.ratios[key] ?? NaN) - 1 }));
  const moved = rows.filter((r) => Math.abs(r.change) > 0.1).sort((a, b) => Math.abs(b.change) - Math.abs(a.change));
  const worst = rows.reduce((m, r) => Math.max(m, Math.abs(r.change)), 0);
  const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
  const summary = `${String(rows.length)} ratios compared with the previous run on this machine (${before.date.slice(0, 16)}Z): ${String(rows.length - moved.length)} within 10%, largest change ${pct(worst)}.`;
  console.log(`\n${summary}`);
  for (const r of moved) console.log(`  moved ${pct(r.change)}: ${r.key} (${String(r.was)}× → ${String(r.value)}×)`);
  return [
    '## Reproducibility',
    '',
    summary,
    '',
    ...(moved.length === 0
      ? []
      : [['| ratio | previous run | this run | change |', '|---|---:|---:|---:|', ...moved.map((r) => `| ${r.key} | ${String(r.was)}× | ${String(r.value)}× | ${pct(r.change)} |`)].join('\n'), '']),
  ];
}

/**
 * Whether the kernel reclaims memory pages it sees idle (DAMON with a `pageout` scheme, as
 * some virtual machines run): a page it took back faults when the process touches it
 * again, and on such a machine allocation-heavy code (peers, the close latency's tail)
 * varies from run to run with it. Said on the page so that a reader can weigh the spread.
 */
function memoryReclaim(): string | undefined {
  const admin = '/sys/kernel/mm/damon/admin/kdamonds';
  try {
    for (const kdamond of readdirSync(admin)) {
      if (!/^\d+$/.test(kdamond)) continue;
      if (readFileSync(`${admin}/${kdamond}/state`, 'utf8').trim() !== 'on') continue;
      const contexts = `${admin}/${kdamond}/contexts`;
      for (const ctx of readdirSync(contexts).filter((c) => /^\d+$/.test(c))) {
        const schemes = `${contexts}/${ctx}/schemes`;
        for (const scheme of readdirSync(schemes).filter((c) => /^\d+$/.test(c))) {
          if (readFileSync(`${schemes}/${scheme}/action`, 'utf8').trim() === 'pageout') {
            return 'The kernel reclaims memory pages it sees idle (DAMON, `pageout`): a reclaimed page faults when touched again, which makes allocation-heavy rows vary more between runs.';
          }
        }
      }
    }
  } catch {
    // no DAMON (or not readable): nothing to say
  }
  return undefined;
}
