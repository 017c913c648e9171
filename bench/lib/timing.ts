/**
 * Timing helpers shared by every benchmark suite in `bench/suites/`.
 *
 * A suite module default-exports `async function suite(): Promise<{ title, markdown }>`,
 * prints its own progress to the console, and returns one markdown section; `bench/run.ts`
 * runs every suite alphabetically in one process (`node --expose-gc --import tsx`) and
 * writes `docs/benchmarks.md`.
 *
 * - `together()`: measures several cases, where each case's `run` returns how many items it
 *   processed, in ns/item; one warm-up run each, then their rounds interleaved (round 1 of each,
 *   then round 2, ...) so that a change in machine load hits every case alike and the
 *   ratios between them hold from one run to the next; `add` returns the case's summary,
 *   filled in by `run(rounds)`.
 * - `summarize(samples)`: median, min, max and spread ((max - min) / median).
 * - `drainer()`: a fresh function that pulls an async iterable to its end with `next()`
 *   and counts the items. Each call compiles a new function so that one pipeline's
 *   iterator classes do not make another's call site megamorphic.
 * - `collectGarbage()`, `heapUsed()`: forced GC (needs `--expose-gc`) and heap size after it.
 * - `pairedRatio(a, b)`: the median of the per-round ratios (see there).
 * - `table(headers, rows)`, `fmt(n)`, `ratio(a, b)`, `digits(x)`: markdown output; `resolved(a, b)`: whether
 *   two ranges are apart, so a ratio between them means something.
 */

export interface Summary {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  /** (max - min) / median, as a fraction. */
  readonly spread: number;
  readonly samples: readonly number[];
}

export type Drain = (iterable: AsyncIterable<unknown> | AsyncIterator<unknown>) => Promise<number>;

export function drainer(): Drain {
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  return new Function(
    'iterable',
    `return (async () => {
      const it = typeof iterable.next === 'function' ? iterable : iterable[Symbol.asyncIterator]();
      let n = 0;
      for (;;) { const r = await it.next(); if (r.done) return n; n++; }
    })();`,
  ) as Drain;
}

export function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('Run the benchmarks with --expose-gc.');
  gc();
  gc();
}

export function heapUsed(): number {
  collectGarbage();
  return process.memoryUsage().heapUsed;
}

export interface Together {
  /** A case to measure; its summary is filled in when `run` has finished. */
  add(label: string, run: () => Promise<number>): Summary;
  /** One warm-up of each case, then `afterWarmUp` if given, then `rounds` interleaved rounds. */
  run(rounds: number, afterWarmUp?: () => Promise<void>): Promise<void>;
}

export function together(): Together {
  const cases: { label: string; run: () => Promise<number>; samples: number[]; summary: Summary }[] = [];
  return {
    add(label, run) {
      const summary: Summary = { median: NaN, min: NaN, max: NaN, spread: NaN, samples: [] };
      cases.push({ label, run, samples: [], summary });
      return summary;
    },
    async run(rounds, afterWarmUp) {
      for (const c of cases) await c.run(); // warm-up
      await afterWarmUp?.();
      for (let i = 0; i < rounds; i++) {
        for (const c of cases) {
          collectGarbage();
          const started = process.hrtime.bigint();
          const items = await c.run();
          c.samples.push(Number(process.hrtime.bigint() - started) / items);
        }
      }
      for (const c of cases) {
        Object.assign(c.summary, summarize(c.samples));
        console.log(`  ${c.label.padEnd(44)} ${fmt(c.summary.median).padStart(8)} ns/item  ±${(c.summary.spread * 50).toFixed(0)}%`);
      }
    },
  };
}

export function summarize(samples: readonly number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
  const min = sorted[0] ?? 0;
  const max = sorted[sorted.length - 1] ?? 0;
  return { median, min, max, spread: median === 0 ? 0 : (max - min) / median, samples };
}

export function fmt(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (n >= 100) return Math.round(n).toLocaleString('en-US');
  if (n >= 10) return n.toFixed(1);
  return n.toFixed(2);
}

/**
 * `a / b` as a ratio: the median over the rounds of `a`'s time over `b`'s in the same round
 * when both come from one `together()` run (its rounds are interleaved, so round i of each
 * ran side by side and a change in machine speed between rounds cancels out), the ratio
 * of their medians otherwise.
 */
export function pairedRatio(a: Summary, b: Summary): number {
  if (a.samples.length === 0 || a.samples.length !== b.samples.length) return a.median / b.median;
  return summarize(a.samples.map((x, i) => x / (b.samples[i] ?? NaN))).median;
}

export function ratio(a: Summary, b: Summary): string {
  return `${digits(pairedRatio(a, b))}×`;
}

/**
 * A ratio to three significant digits (0.0812, 0.412, 1.25, 12.3): with two decimals, a
 * small ratio moving from 0.075 to 0.085 read as 0.08 → 0.09, a "change" of 12.5%.
 */
export function digits(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (x >= 10) return x.toFixed(1);
  if (x >= 1) return x.toFixed(2);
  return x.toPrecision(3);
}

export function spreadOf(s: Summary): string {
  return `${fmt(s.min)}–${fmt(s.max)}`;
}

/**
 * Whether a difference between two measurements is real: their ranges (min–max over every
 * round) do not overlap. When they do, the spread is wider than the difference and the
 * ratio of medians says nothing.
 */
export function resolved(a: Summary, b: Summary): string {
  return a.max < b.min || b.max < a.min ? 'yes' : 'no: the ranges overlap';
}

export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;
  return [line(headers), line(headers.map(() => '---')), ...rows.map(line)].join('\n');
}
