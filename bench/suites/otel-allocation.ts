/**
 * What a stream span that does not record costs in memory: bytes allocated per item by
 * `pipe(source, traced({ name }), map → filter → map)` and by `traced` placed after the
 * operators (a stage of its own, reading theirs directly, C8) against the same pipeline
 * without `traced`, with no SDK registered and with an SDK whose sampler drops every span
 * (`AlwaysOffSampler`: the span is non-recording but has an identity of its own, so the
 * source's steps still run in a context of their own, C8). Goal (C9): no byte per item
 * beyond the untraced pipeline.
 *
 * Measured with the sampling heap profiler (bench/lib/allocation.ts), after warm-up runs of
 * the same pipeline, in a fresh child process per setup so that one setup's feedback does
 * not shape another's code; 1e5 and 1e6 items, so that a cost per stream (the span, its
 * context, the stage) shows as shrinking with the count and a cost per item does not.
 *
 * `npm run bench:otel-allocation` runs it alone and exits with 1 when the traced pipeline
 * allocates more than `TOLERANCE` bytes per item more than the untraced one.
 */
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { AlwaysOffSampler, BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { filter, map, pipe } from 'iterscope';
import { traced } from 'iterscope/otel';
import { execFileSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { allocationPerItem, shortUrl } from '../lib/allocation.js';
import { counter, dbl, even, inc } from '../lib/chains.js';
import { drainer, fmt, table } from '../lib/timing.js';

/**
 * Bytes per item the traced pipeline may allocate over the untraced one. Sampling one
 * byte in 128 of the ~460 each pipeline allocates per item, two estimates of the same code
 * differ by about one byte per item over 1e5 items and a fraction over 1e6; the smallest
 * object V8 allocates (an empty array) is 16 bytes.
 */
const TOLERANCE = 4;
const COUNTS = [100_000, 1_000_000];

type Setup = 'no SDK' | 'SDK, AlwaysOffSampler' | 'SDK, AlwaysOffSampler, AsyncLocalStorage';
const SETUPS: readonly Setup[] = ['no SDK', 'SDK, AlwaysOffSampler', 'SDK, AlwaysOffSampler, AsyncLocalStorage'];

/**
 * Where `traced` goes: before the operators (they run inside its stage), or after them (a
 * stage of its own, reading the operators' stage directly).
 */
type Placement = 'before' | 'after';
const PLACEMENTS: readonly Placement[] = ['before', 'after'];

interface Measured {
  readonly setup: Setup;
  readonly placement: Placement;
  readonly items: number;
  readonly untraced: number;
  readonly traced: number;
  /** The traced pipeline's largest allocating frames, for whoever has to find a regression. */
  readonly frames: readonly (readonly [string, number])[];
}

const signed = (n: number): string => (n < 0 ? `−${fmt(-n)}` : `+${fmt(n)}`);

const untracedPipeline = (n: number) => pipe(counter(n), map(inc), filter(even), map(dbl));
const tracedPipelines: Record<Placement, (n: number) => AsyncIterable<number>> = {
  before: (n) => pipe(counter(n), traced<number>({ name: 'stream' }), map(inc), filter(even), map(dbl)),
  after: (n) => pipe(untracedPipeline(n), traced<number>({ name: 'stream' })),
};

/** One setup, in this process. */
async function measure(setup: Setup): Promise<Measured[]> {
  if (setup !== 'no SDK') trace.setGlobalTracerProvider(new BasicTracerProvider({ sampler: new AlwaysOffSampler() }));
  if (setup === 'SDK, AlwaysOffSampler, AsyncLocalStorage') context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  const drainUntraced = drainer();
  const drainTraced: Record<Placement, ReturnType<typeof drainer>> = { before: drainer(), after: drainer() };
  // Warm-up: the code measured is the optimized code, as in a long-running server.
  for (let i = 0; i < 3; i++) {
    await drainUntraced(untracedPipeline(100_000));
    for (const placement of PLACEMENTS) await drainTraced[placement](tracedPipelines[placement](100_000));
  }
  const out: Measured[] = [];
  for (const items of COUNTS) {
    // Per item of the source (the filter lets half of them through).
    const untraced = await allocationPerItem(async () => (await drainUntraced(untracedPipeline(items)), items));
    for (const placement of PLACEMENTS) {
      const tracedAllocation = await allocationPerItem(async () => (await drainTraced[placement](tracedPipelines[placement](items)), items));
      out.push({
        setup,
        placement,
        items,
        untraced: untraced.perItem,
        traced: tracedAllocation.perItem,
        frames: tracedAllocation.byFrame.slice(0, 6),
      });
    }
  }
  return out;
}

function measureInChild(setup: Setup): Measured[] {
  const stdout = execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', fileURLToPath(import.meta.url), `--setup=${setup}`], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  return JSON.parse(stdout.trim().split('\n').pop() ?? '[]') as Measured[];
}

function measureAll(): Measured[] {
  const all: Measured[] = [];
  for (const setup of SETUPS) {
    const rows = measureInChild(setup);
    for (const row of rows) {
      console.log(
        `  ${setup}, traced ${row.placement}, ${String(row.items)} items: untraced ${fmt(row.untraced)} B/item, traced ${fmt(row.traced)} B/item (${signed(row.traced - row.untraced)})`,
      );
      if (row.traced - row.untraced > TOLERANCE) {
        for (const [frame, bytes] of row.frames) console.log(`      ${fmt(bytes).padStart(7)} B/item  ${frame}`);
      }
    }
    all.push(...rows);
  }
  return all;
}

export default function suite(): Promise<{ title: string; markdown: string }> {
  console.log('bytes allocated per item by a non-recording traced stream (one child process per setup)');
  const rows = measureAll();
  const markdown = [
    table(
      ['setup', 'traced', 'items', 'untraced B/item', 'traced B/item', 'difference', `goal: ≤ ${String(TOLERANCE)} B/item more`],
      rows.map((r) => [
        r.setup,
        r.placement === 'before' ? 'before the operators' : 'after them (a stage of its own)',
        r.items.toLocaleString('en-US'),
        fmt(r.untraced),
        fmt(r.traced),
        signed(r.traced - r.untraced),
        r.traced - r.untraced <= TOLERANCE ? 'yes' : 'no',
      ]),
    ),
    '',
    '`pipe(source, traced({ name }), map → filter → map)` and `pipe(pipe(source, map → filter →',
    'map), traced({ name }))` against the same pipeline without `traced`, drained to the end',
    'after a warm-up; bytes per item from V8\'s sampling heap',
    'profiler (one sample per 128 bytes on average, objects freed by collections included),',
    'per item of the source.',
    'The difference of the totals is compared, not the bytes of the frames in',
    '`iterscope/otel`: V8 counts an inlined function\'s allocations for the function it was',
    'inlined into, both ways. Alone, and failing when the goal is missed:',
    '`npm run bench:otel-allocation`.',
  ].join('\n');
  return Promise.resolve({ title: 'iterscope/otel: allocation of a non-recording span', markdown });
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const setup = process.argv.find((a) => a.startsWith('--setup='))?.slice('--setup='.length) as Setup | undefined;
  if (setup !== undefined) {
    console.log(JSON.stringify(await measure(setup)));
  } else {
    console.log('bytes allocated per item by a non-recording traced stream');
    const rows = measureAll();
    const over = rows.filter((r) => r.traced - r.untraced > TOLERANCE);
    for (const r of over) {
      console.error(`FAIL ${r.setup}, ${String(r.items)} items: traced allocates ${fmt(r.traced - r.untraced)} B/item more than untraced (goal ≤ ${String(TOLERANCE)}).`);
      for (const [frame, bytes] of r.frames) console.error(`  ${fmt(bytes).padStart(7)} B/item  ${shortUrl(frame)}`);
    }
    if (over.length > 0) process.exitCode = 1;
    else console.log(`OK: no setup allocates more than ${String(TOLERANCE)} B/item over the untraced pipeline.`);
  }
}
