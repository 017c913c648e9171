/**
 * Measurements in fresh child processes (bench/lib/chain-runner.ts), and the figures taken
 * across them. A suite measured in the main process runs after the other suites, when
 * iterscope's shared stage code has seen many other stage classes (its call sites are
 * megamorphic) while the generator and hand-written chains have no shared code to slow
 * down: not a like-for-like comparison, and one that varied by more than 10% from run to
 * run with the order and state of the suites before it.
 */
import { execFileSync } from 'node:child_process';
import { pairedRatio, summarize, type Summary } from './timing.js';

/** One child process's summaries, by chain name. */
export type Run = Record<string, Summary>;

export interface RunOptions {
  /** Source items per round. */
  readonly items: number;
  /** Source items per round for the slow peers (IxJS, Repeater). */
  readonly slowItems?: number;
  /** Rounds after the warm-up. */
  readonly rounds: number;
  /** Measure with OpenTelemetry's context manager's storage off and on. */
  readonly contextManager?: boolean;
  /** Hold no pipeline open between rounds. */
  readonly cold?: boolean;
  /** The source is an array (`arrayChains`), not the counting async iterator (`chains`). */
  readonly array?: boolean;
}

/** Run the chain runner once, in a fresh process, on `names`. */
export function runChains(names: readonly string[], options: RunOptions): Run {
  const args = ['--expose-gc', '--import', 'tsx', 'bench/lib/chain-runner.ts', `--items=${String(options.items)}`, `--rounds=${String(options.rounds)}`];
  if (options.slowItems !== undefined) args.push(`--slow-items=${String(options.slowItems)}`);
  if (options.contextManager === true) args.push('--context-manager');
  if (options.cold === true) args.push('--cold');
  if (options.array === true) args.push('--array');
  const out = execFileSync(process.execPath, [...args, ...names], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = out.trim().split('\n');
  for (const line of lines.slice(0, -1)) console.log(line);
  return JSON.parse(lines[lines.length - 1] ?? '{}') as Run;
}

/** `run()` in `processes` fresh processes, one after the other. */
export function inProcesses(processes: number, label: string, run: () => Run): Run[] {
  return Array.from({ length: processes }, (_, i) => {
    console.log(`${label} (process ${String(i + 1)} of ${String(processes)})`);
    return run();
  });
}

/** The median ns/item of each process, summarized across the processes. */
export function acrossProcesses(runs: readonly Run[], name: string): Summary {
  return summarize(runs.map((run) => run[name]?.median ?? NaN));
}

/**
 * `a / b`: the median of the per-round ratios (round i of `a` over round i of `b`, measured
 * side by side in one process) over every process; min and max are the lowest and highest
 * process's own median ratio.
 */
export function ratioAcross(runs: readonly Run[], a: string, b: string): Summary {
  const perProcess = summarize(runs.map((run) => (run[a] === undefined || run[b] === undefined ? NaN : pairedRatio(run[a], run[b]))));
  const everyRound = runs.flatMap((run) => (run[a]?.samples ?? []).map((x, i) => x / (run[b]?.samples[i] ?? NaN)));
  return { ...perProcess, median: summarize(everyRound).median };
}
