/**
 * Per-item cost of iterscope/otel.
 *
 * - `traced` on map -> filter -> map, against the same pipeline untraced: with no SDK
 *   registered (goal: at most 3% over) and with a real SDK and a no-op exporter (goal: at
 *   most 10% over).
 * - `mapTraced` against a hand-written `startSpan` + `context.with` + `end` per item in a
 *   `map` (goal: at most 1.2x).
 *
 * Each without and with the AsyncLocalStorage context manager (which makes every async
 * step slower for everyone). The context manager turns on promise hooks for the rest of
 * the process, so that half runs in a child process (this file with `--context-manager`).
 * The cases of each comparison are measured through `together()` (bench/lib/timing.ts):
 * their rounds interleave, so drift hits every side alike, and the ratio is reported as
 * the ratio of medians and as the min / median / max of the ratios within each round. Self-contained: run it directly with
 * `node --expose-gc --import tsx bench/suites/otel.ts`.
 */
import { context, trace, type ContextManager, type Tracer } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider, SimpleSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { aclosing, filter, map, pipe } from 'iterscope';
import { mapTraced, traced } from 'iterscope/otel';
import { execFile } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { drainer, summarize, together, type Summary } from '../lib/timing.js';

const noopExporter: SpanExporter = {
  export(_spans, done) {
    // ExportResultCode.SUCCESS (0) lives in @opentelemetry/core, not a direct dependency.
    // eslint-disable-next-line @typescript-eslint/no-unsafe-enum-assignment
    done({ code: 0 });
  },
  shutdown: () => Promise.resolve(),
};

function numbers(n: number): AsyncIterator<number> {
  let i = 0;
  return {
    next: () => Promise.resolve(i < n ? { done: false, value: i++ } : { done: true, value: undefined }),
  };
}

/**
 * ns per item of each case, measured through `together()` (a warm-up each, then the
 * rounds interleaved). As in the pipeline suite's chain runner, one open stream of every
 * case is held while it measures (read once, never finished), as a server holds the
 * streams it serves: otherwise the forced collection before each round frees the last
 * objects of some shapes and every round starts with part of the optimized code dropped.
 */
async function compare(items: number, rounds: number, streams: Record<string, () => AsyncIterable<unknown>>): Promise<Record<string, Summary>> {
  const measured = together();
  const out: Record<string, Summary> = {};
  for (const [name, stream] of Object.entries(streams)) {
    const drain = drainer();
    // Per item of the source (the filter lets two in three through).
    out[name] = measured.add(name, async () => {
      await drain(stream());
      return items;
    });
  }
  const held: AsyncIterator<unknown>[] = [];
  await measured.run(rounds, async () => {
    for (const stream of Object.values(streams)) {
      const open = stream()[Symbol.asyncIterator]();
      await open.next();
      held.push(open);
    }
  });
  for (const open of held) await open.return?.();
  return out;
}

const mapFilterMap = <T extends number>(source: AsyncIterator<T> | AsyncIterable<T>) =>
  pipe(
    source,
    map((x: number) => x + 1),
    filter((x: number) => x % 3 !== 0),
    map((x: number) => x * 2),
  );

/** `traced` placed before the operators: `pipe` runs them inside the traced stage. */
const tracedFirst = (n: number, tracer?: Tracer) =>
  pipe(
    numbers(n),
    traced({ name: 'stream', tracer }),
    map((x: number) => x + 1),
    filter((x: number) => x % 3 !== 0),
    map((x: number) => x * 2),
  );

interface Row {
  readonly what: string;
  readonly contextManager: string;
  readonly baseline: number;
  readonly measured: number;
  /** undefined: a reference row, not a goal. */
  readonly goal: number | undefined;
  /** min–max of the rounds, to judge whether the spread is below the difference. */
  readonly baselineRange: readonly [number, number];
  readonly measuredRange: readonly [number, number];
  /**
   * The ratio in each round (measured / baseline of the same round: the rounds are
   * interleaved, so both saw the same load): min, median and max.
   */
  readonly roundRatios: readonly [number, number, number];
  /** measured / baseline in every round. */
  readonly perRound: readonly number[];
  /** `traced` adds a stage: traced / an untraced pass-through stage in its place, in every round. */
  readonly perRoundVsStage?: readonly number[];
}

const perRoundOf = (measured: Summary, baseline: Summary): number[] => measured.samples.map((m, i) => m / (baseline.samples[i] ?? NaN));

function pair(baseline: Summary, measured: Summary): Pick<Row, 'baseline' | 'measured' | 'baselineRange' | 'measuredRange' | 'roundRatios' | 'perRound'> {
  const perRound = summarize(perRoundOf(measured, baseline));
  return {
    baseline: baseline.median,
    measured: measured.median,
    baselineRange: [baseline.min, baseline.max],
    measuredRange: [measured.min, measured.max],
    roundRatios: [perRound.min, perRound.median, perRound.max],
    perRound: perRound.samples,
  };
}

async function tracedRows(contextManager: string, sdk: boolean): Promise<Row[]> {
  const N = 100_000;
  const r = await compare(N, 11, {
    untraced: () => mapFilterMap(numbers(N)),
    passThrough: () => aclosing(mapFilterMap(numbers(N))),
    traced: () => pipe(mapFilterMap(numbers(N)), traced({ name: 'stream' })),
    tracedFirst: () => tracedFirst(N),
  });
  const setup = sdk ? 'SDK + no-op exporter' : 'no SDK';
  const goal = sdk ? 1.1 : 1.03;
  return [
    {
      what: `traced after map→filter→map (its own stage), ${setup}`,
      contextManager,
      ...pair(r['untraced']!, r['traced']!),
      goal,
      perRoundVsStage: perRoundOf(r['traced']!, r['passThrough']!),
    },
    {
      what: `traced before map→filter→map (the steps run inside the traced stage), ${setup}`,
      contextManager,
      ...pair(r['untraced']!, r['tracedFirst']!),
      goal,
    },
  ];
}

async function mapTracedRow(contextManager: string, tracer: Tracer): Promise<Row> {
  const N = 50_000;
  const double = (x: number): number => x * 2;
  const r = await compare(N, 11, {
    handWritten: () => {
      const parent = context.active();
      return pipe(
        numbers(N),
        map((x: number) => {
          const span = tracer.startSpan('item', undefined, parent);
          const out = context.with(trace.setSpan(parent, span), double, undefined, x);
          span.end();
          return out;
        }),
      );
    },
    mapTraced: () => pipe(numbers(N), mapTraced(double, { name: 'item', tracer })),
  });
  return {
    what: 'mapTraced vs startSpan + context.with + end in map, SDK + no-op exporter',
    contextManager,
    ...pair(r['handWritten']!, r['mapTraced']!),
    goal: 1.2,
  };
}

/** The least C8 costs per read in one setup, and how a row names it. */
interface Floor {
  /** What the row measures, as it appears on the page. */
  readonly what: string;
  /** `switch` or `check`, for the row of `traced` against it. */
  readonly name: string;
  readonly setup: string;
  /** The source with C8's per-read work around each of its `next()` calls, and nothing else. */
  readonly perRead: (source: AsyncIterator<number>) => AsyncIterator<number>;
  readonly tracer?: Tracer;
}

/**
 * A reference pair: the least C8 costs per read (the floor's work around each `next()` of
 * the source, the way iterscope does it, and nothing else) against the untraced pipeline,
 * so the rows above can be read against the least any implementation of C8 costs; then
 * `traced` placed before the operators against that floor, which is what iterscope adds to
 * it. Measured in a comparison of its own, so that its source's shape reaches no other
 * row's call sites.
 */
async function floorRows(contextManager: string, floor: Floor): Promise<Row[]> {
  const N = 100_000;
  const r = await compare(N, 11, {
    untraced: () => mapFilterMap(numbers(N)),
    floor: () => mapFilterMap(floor.perRead(numbers(N))),
    tracedFirst: () => tracedFirst(N, floor.tracer),
  });
  return [
    { what: `${floor.what}, ${floor.setup}`, contextManager, ...pair(r['untraced']!, r['floor']!), goal: undefined },
    {
      what: `traced before map→filter→map against that ${floor.name} alone (what traced adds to it), ${floor.setup}`,
      contextManager,
      ...pair(r['floor']!, r['tracedFirst']!),
      goal: undefined,
    },
  ];
}

const nextOf = (source: AsyncIterator<number>): Promise<IteratorResult<number>> => source.next();

/** With an SDK: C8 enters the stream span's context on every read, through the manager's `with`. */
async function contextSwitchRows(contextManager: string, manager: ContextManager, tracer: Tracer): Promise<Row[]> {
  const span = tracer.startSpan('stream');
  const inside = trace.setSpan(context.active(), span);
  const rows = await floorRows(contextManager, {
    what: 'one context switch per read and nothing else (the least C8 allows)',
    name: 'switch',
    setup: 'SDK + no-op exporter',
    perRead: (source) => ({ next: () => manager.with(inside, nextOf, undefined, source) }),
    tracer,
  });
  span.end();
  return rows;
}

/**
 * With no SDK, the stream span records nothing and carries its parent's identity, so the
 * stream's context is its parent context itself (span-context.ts), and a read that starts
 * in that context has nothing to switch. C8 still asks that the source's steps run in it
 * when the consumer reads from another context, so each read asks the manager for the
 * active context and compares: one `active()` per read is the least C8 allows then.
 */
async function contextCheckRows(contextManager: string, manager: ContextManager): Promise<Row[]> {
  const inside = context.active();
  return floorRows(contextManager, {
    what: 'one context check per read and nothing else (the least C8 allows when nothing records)',
    name: 'check',
    setup: 'no SDK',
    perRead: (source) => ({ next: () => (manager.active() === inside ? source.next() : manager.with(inside, nextOf, undefined, source)) }),
  });
}

/** One half of the measurements, in this process. */
async function measureAll(withManager: boolean): Promise<Row[]> {
  const rows: Row[] = [];
  const label = withManager ? 'AsyncLocalStorage' : 'none';
  const manager = withManager ? new AsyncLocalStorageContextManager().enable() : undefined;
  if (manager !== undefined) context.setGlobalContextManager(manager);
  rows.push(...(await tracedRows(label, false)));
  // Measured here, with no SDK yet; their rows are printed with the other reference rows.
  const checkRows = manager === undefined ? [] : await contextCheckRows(label, manager);
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(noopExporter)] });
  trace.setGlobalTracerProvider(provider);
  rows.push(...(await tracedRows(label, true)));
  rows.push(await mapTracedRow(label, provider.getTracer('bench')));
  if (manager !== undefined) rows.push(...(await contextSwitchRows(label, manager, provider.getTracer('bench'))));
  rows.push(...checkRows);
  trace.disable();
  context.disable();
  for (const row of rows) {
    const range = (r: readonly [number, number]): string => `${r[0].toFixed(0)}–${r[1].toFixed(0)}`;
    const [low, mid, high] = row.roundRatios.map((r) => r.toFixed(2));
    console.log(
      `  ${row.what} (${label}): ${row.baseline.toFixed(0)} [${range(row.baselineRange)}] -> ${row.measured.toFixed(0)} [${range(row.measuredRange)}] ns/item (median [min–max]); ratio per round ${String(low)} / ${String(mid)} / ${String(high)}`,
    );
  }
  return rows;
}

/**
 * Each half runs in this many fresh processes. Within one process the rounds agree with
 * each other better than processes do with each other (the JIT's choices differ from
 * process to process): one process is one sample, as in the pipeline suite.
 */
const PROCESSES = Number(process.env['ITERSCOPE_BENCH_PROCESSES'] ?? 5);

/** One row as measured across the processes: medians over them, and the lowest and highest process. */
interface Across {
  readonly row: Row;
  readonly baseline: Summary;
  readonly measured: Summary;
  /** measured / baseline: the median of every round of every process; min and max are the lowest and highest process's median. */
  readonly ratio: Summary;
  /** measured / pass-through, the same way, for `traced` as its own stage. */
  readonly vsStage: Summary | undefined;
}

/**
 * Rounds vary by 15–20% on this machine even as a ratio of two cases measured side by
 * side, so a ratio is the median of all of them (55 for 5 processes of 11 rounds), not of
 * a few process medians.
 */
function pooledRatio(perProcess: readonly (readonly number[])[]): Summary {
  return { ...summarize(perProcess.map((rounds) => summarize(rounds).median)), median: summarize(perProcess.flat()).median };
}

function across(samples: readonly Row[]): Across {
  const row = samples[0]!;
  const vsStage = samples.flatMap((s) => (s.perRoundVsStage === undefined ? [] : [s.perRoundVsStage]));
  return {
    row,
    baseline: summarize(samples.map((s) => s.baseline)),
    measured: summarize(samples.map((s) => s.measured)),
    ratio: pooledRatio(samples.map((s) => s.perRound)),
    vsStage: vsStage.length === samples.length ? pooledRatio(vsStage) : undefined,
  };
}

export default async function suite(): Promise<{ title: string; markdown: string }> {
  // Each half runs in fresh child processes: measured after the other suites in this
  // process, the stage code has seen many other stage classes and runs slower, which would
  // blur a comparison of a few percent.
  const measured: Across[] = [];
  for (const flag of ['--plain', '--context-manager']) {
    const runs: Row[][] = [];
    for (let i = 0; i < PROCESSES; i++) {
      console.log(`otel ${flag.slice(2)} (process ${String(i + 1)} of ${String(PROCESSES)})`);
      const child = await promisify(execFile)(
        process.execPath,
        ['--expose-gc', '--import', 'tsx', fileURLToPath(import.meta.url), flag],
        { maxBuffer: 1 << 20 },
      );
      const lines = child.stdout.trimEnd().split('\n');
      runs.push(JSON.parse(lines.pop() ?? '[]') as Row[]);
      console.log(lines.join('\n'));
    }
    measured.push(...runs[0]!.map((_, r) => across(runs.map((run) => run[r]!))));
  }
  const ns = (s: Summary): string => `${s.median.toFixed(0)} (${s.min.toFixed(0)}–${s.max.toFixed(0)})`;
  // The ratio alone in its cell: bench/run.ts compares such cells with the previous run.
  const times = (s: Summary): string => `${s.median.toFixed(3)}× | ${s.min.toFixed(3)}–${s.max.toFixed(3)}`;
  const lines = [
    '| measurement | context manager | baseline ns/item (min–max) | measured ns/item (min–max) | ratio | lowest–highest process | goal | goal met? | vs a pass-through stage | lowest–highest process |',
    '|---|---|---:|---:|---:|---:|---:|---|---:|---:|',
    ...measured.map(({ row, baseline, measured: m, ratio, vsStage }) => {
      const goal = row.goal;
      const met =
        goal === undefined ? '(reference)' : ratio.max <= goal ? 'yes, in every process' : ratio.median <= goal ? 'in the median process, not in every one' : 'no';
      return `| ${row.what} | ${row.contextManager} | ${ns(baseline)} | ${ns(m)} | ${times(ratio)} | ${goal === undefined ? '—' : `≤ ${goal.toFixed(2)}×`} | ${met} | ${vsStage === undefined ? '— | —' : times(vsStage)} |`;
    }),
    '',
    `Each half (without and with the context manager) ran in ${String(PROCESSES)} fresh processes; in each,`,
    'the cases of a comparison were measured through `together()`, 11 rounds after a warm-up,',
    'interleaved (round 1 of each case, then round 2, ...). ns/item is the median over the',
    "processes of each process's median, with the lowest and highest process as the range; a",
    'ratio is the median of the per-round ratios (round i of one case over round i of the other,',
    "side by side in one process) over every round of every process, with the lowest and highest process's own median ratio.",
    '',
    'Placed after the operators, `traced` is a stage of its own, so its ratio against the',
    'untraced pipeline includes one more hop per item; the last column compares it with an',
    'untraced pass-through stage (`aclosing`) in the same place, which isolates the cost of the',
    'tracing itself. Placed before them (where a source is usually traced), `pipe` runs the',
    'option-less map/filter inside the traced stage, and the ratio is the cost of tracing alone.',
    '',
    'The reference rows (each pair measured in a comparison of its own in the same processes, so',
    'their ratios are against their own baseline, not the rows above) are the least C8 costs',
    "under the AsyncLocalStorage manager. With an SDK: the source's `next()` called inside the",
    "manager's `with` and nothing else, the way `traced` enters the stream span's context on every",
    'read. With no SDK, the stream span records nothing and the stream\'s context is its parent',
    'context itself, so a read that starts there switches nothing, but C8 still needs the check:',
    "the manager's `active()` compared with the stream's context on every read, and nothing else.",
    'Each is followed by `traced` placed before the operators against it, which is what iterscope',
    'adds to it.',
  ];
  return { title: 'iterscope/otel: per-item cost of tracing', markdown: lines.join('\n') };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  if (process.argv.includes('--context-manager')) {
    console.log(JSON.stringify(await measureAll(true)));
  } else if (process.argv.includes('--plain')) {
    console.log(JSON.stringify(await measureAll(false)));
  } else {
    const { title, markdown } = await suite();
    console.log(`## ${title}\n\n${markdown}`);
  }
}
