/** map → filter → map over a plain array (a sync iterable source), in fresh child processes. */
import { acrossProcesses, inProcesses, ratioAcross, runChains } from '../lib/child-runs.js';
import { digits, fmt, spreadOf, table } from '../lib/timing.js';

const N = 200_000;
const ROUNDS = 8;
const PROCESSES = Number(process.env['ITERSCOPE_BENCH_PROCESSES'] ?? 5);

export default async function suite(): Promise<{ title: string; markdown: string }> {
  const names = ['iterscope', 'async generators'];
  const runs = inProcesses(PROCESSES, 'sync-array source', () => runChains(names, { items: N, rounds: ROUNDS, array: true }));
  const ours = acrossProcesses(runs, 'iterscope');
  const gen = acrossProcesses(runs, 'async generators');
  const vsGen = ratioAcross(runs, 'iterscope', 'async generators');
  const markdown = [
    `The source is an array of ${N.toLocaleString('en-US')} numbers; iterscope reads it directly (a sync iterable), the generator chain through \`for await\` over an \`async function*\` that yields it. Measured as the map → filter → map table is, and for the same reason: in ${String(PROCESSES)} fresh processes (\`bench/lib/chain-runner.ts --array\`), ${String(ROUNDS)} rounds each after a warm-up, interleaved; ns per source item is the median of the process medians (lowest–highest process), the ratio the median of every per-round ratio (lowest–highest process median). Measured in the main process after the other suites, this ratio moved by 12% between two runs.`,
    '',
    table(
      ['pipeline', 'ns/item (median)', 'range', 'vs async generators', 'its range (by process)'],
      [
        ['iterscope', fmt(ours.median), spreadOf(ours), `${digits(vsGen.median)}×`, `${digits(vsGen.min)}–${digits(vsGen.max)}`],
        ['async generators', fmt(gen.median), spreadOf(gen), '1.00×', '—'],
      ],
    ),
  ].join('\n');
  return { title: 'Sync-array source', markdown };
}
