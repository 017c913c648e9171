/**
 * map → filter → map over a counting source: iterscope against three raw async generators, a
 * minimal hand-written chain with no guarantees, and the peers, in the same processes;
 * then the same with OpenTelemetry's context manager registered. Both halves run in
 * fresh child processes (see bench/lib/chain-runner.ts).
 */
import { acrossProcesses, inProcesses, ratioAcross, runChains, type Run } from '../lib/child-runs.js';
import { chains } from '../lib/chains.js';
import { digits, fmt, spreadOf, table, type Summary } from '../lib/timing.js';

const FAST = 200_000;
const SLOW = 20_000; // IxJS and Repeater take 15–30 µs per item: fewer items, same ns/item
const ROUNDS = 8;
const CM_ITEMS = 100_000;
// Each measurement runs in this many fresh processes: the JIT's choices (what it inlines,
// where it deoptimizes) differ from process to process. Rounds on this 2-core machine
// vary by 15–20% from one to the next even as a ratio of two pipelines measured side by
// side, so a ratio is the median of every per-round ratio of every process (40), not of
// a few process medians: earlier splits (3 processes of 7 rounds over 1e6 items, 7 of 3
// over 400,000) moved up to 25% and 74% between two runs.
const PROCESSES = Number(process.env['ITERSCOPE_BENCH_PROCESSES'] ?? 5);
const slow = new Set(['IxJS', 'Repeater']);

const times = (s: Summary): string => `${digits(s.median)}×`;
const timesRange = (s: Summary): string => `${digits(s.median)}× (${digits(s.min)}–${digits(s.max)})`;

/** A goal `ratio ≤ limit`: met in every process, in the median process only, or not. */
function judged(s: Summary, limit: number): string {
  if (s.max <= limit) return 'yes, in every process';
  if (s.median <= limit) return 'in the median process, not in every one';
  return 'no';
}

export default async function suite(): Promise<{ title: string; markdown: string }> {
  const names = Object.keys(chains);
  const many = (label: string, run: () => Run): Run[] => inProcesses(PROCESSES, label, run);
  const runs = many('map → filter → map, all pipelines in one fresh child process', () => runChains(names, { items: FAST, slowItems: SLOW, rounds: ROUNDS }));
  const rows = names.map((name) => {
    const s = acrossProcesses(runs, name);
    return [
      name,
      String(slow.has(name) ? SLOW : FAST),
      fmt(s.median),
      spreadOf(s),
      times(ratioAcross(runs, name, 'async generators')),
      times(ratioAcross(runs, name, 'hand-written')),
      name === 'iterscope' ? '1.00×' : times(ratioAcross(runs, name, 'iterscope')),
    ];
  });

  const peers = ['IxJS', 'streaming-iterables', 'it-map/it-filter', 'Repeater'];
  const fusedGen = ratioAcross(runs, 'iterscope', 'async generators');
  const fusedHand = ratioAcross(runs, 'iterscope', 'hand-written');
  const unfusedHand = ratioAcross(runs, 'iterscope, unfused', 'hand-written');
  const FLOOR = 'the floor: one hand-written iterator';
  const floorGen = ratioAcross(runs, FLOOR, 'async generators');
  const fusedFloor = ratioAcross(runs, 'iterscope', FLOOR);
  const ix = ratioAcross(runs, 'IxJS', 'iterscope');
  const peerRatios = peers.map((p) => [p, ratioAcross(runs, p, 'iterscope')] as const);
  const goals = table(
    ['goal', 'measured: median (lowest–highest process)', 'goal met?'],
    [
      ['fused ≤ 0.45× the raw async-generator chain', timesRange(fusedGen), judged(fusedGen, 0.45)],
      ['fused ≤ 1.0× the minimal hand-written chain', timesRange(fusedHand), judged(fusedHand, 1.0)],
      // Stages built one by one (across functions or libraries) read each other directly:
      // no promise per hop, so they should cost little more than the fused chain.
      ['unfused (three separate stages) ≤ 1.2× the hand-written chain', timesRange(unfusedHand), judged(unfusedHand, 1.2)],
      // What the first goal is measured against: the floor is the least a stage that settles
      // a pending next() at once can cost (bench/lib/chains.ts).
      ['(reference) the floor ÷ the raw async-generator chain', timesRange(floorGen), '(reference)'],
      ['(reference) fused ÷ the floor: what iterscope adds to it', timesRange(fusedFloor), '(reference)'],
      ['≥ 10× faster than IxJS', `${ix.median.toFixed(1)}× faster (${ix.min.toFixed(1)}–${ix.max.toFixed(1)})`, ix.min >= 10 ? 'yes, in every process' : ix.median >= 10 ? 'in the median process, not in every one' : 'no'],
      [
        'faster than every peer',
        peerRatios.map(([p, r]) => `${p} ${digits(r.median)}×`).join(', '),
        peerRatios.every(([, r]) => r.min > 1) ? 'yes, in every process' : peerRatios.every(([, r]) => r.median > 1) ? 'in the median process, not in every one' : 'no',
      ],
    ],
  );

  const coldNames = ['iterscope', 'iterscope, unfused', 'async generators', 'hand-written'];
  const cold = many('map → filter → map, cold: no pipeline held open across the forced collections', () => runChains(coldNames, { items: FAST, rounds: ROUNDS, cold: true }));
  const coldRows = coldNames.map((name) => {
    const s = acrossProcesses(cold, name);
    return [
      name,
      fmt(acrossProcesses(runs, name).median),
      fmt(s.median),
      spreadOf(s),
      times(ratioAcross(cold, name, 'async generators')),
      times(ratioAcross(cold, name, 'hand-written')),
    ];
  });

  const cmNames = ['iterscope', 'iterscope, unfused', 'async generators', 'hand-written'];
  const withCm = many('map → filter → map with an OpenTelemetry context manager', () => runChains(cmNames, { items: CM_ITEMS, rounds: ROUNDS, contextManager: true }));
  const on = (name: string): string => `${name} (context manager)`;
  const cmRows = cmNames.map((name) => {
    const s = acrossProcesses(withCm, on(name));
    return [
      name,
      fmt(acrossProcesses(withCm, name).median),
      fmt(s.median),
      spreadOf(s),
      times(ratioAcross(withCm, on(name), name)),
      times(ratioAcross(withCm, on(name), on('async generators'))),
      times(ratioAcross(withCm, on(name), on('hand-written'))),
    ];
  });

  const markdown = [
    `Per source item, in ${String(PROCESSES)} fresh processes; in each, ${String(ROUNDS)} rounds after a warm-up, interleaved across the pipelines (round 1 of each, then round 2, ...), with one open pipeline of each chain held meanwhile (see "Cold" below). ns/item is the median over the processes of each process's median, with the lowest and highest process as the range; a ratio is the median of the per-round ratios (round i of one pipeline over round i of the other, measured side by side in one process) over every round of every process, and where a range is shown it is the lowest and highest process's own median ratio. The source is a minimal hand-written async iterator over 0..n-1; every chain is map(x + 1) → filter(even) → map(x * 2). \`iterscope\` is \`pipe(source, map, filter, map)\`, which runs the three operators as one stage (fusion, same contract); \`iterscope, unfused\` applies them one by one, as three stages. \`the floor\` runs the three steps in one hand-written iterator that makes one promise per \`next()\` and reads its source with one \`then\`, settling the promise from the read: the least a stage can cost that settles a pending \`next()\` at once when it is closed (C2; a \`then\` chained on the source cannot be settled from outside), with no closing, abort or error handling. Fused, iterscope is one such stage plus the contract, so \`fused ÷ the floor\` is what the contract costs per item, and \`the floor ÷ the raw async-generator chain\` is how much room the first goal leaves.`,
    '',
    'All pipelines of this table run in one fresh child process (`bench/lib/chain-runner.ts`): measured after the other suites in the main process, iterscope\'s shared stage code has already seen many other stage classes (its call sites are megamorphic) while the generator and hand-written chains have no shared code to slow down, which is not a like-for-like comparison.',
    '',
    table(['pipeline', 'items/round', 'ns/item (median)', 'range', 'vs async generators', 'vs hand-written', 'vs iterscope'], rows),
    '',
    goals,
    '',
    '#### Cold: nothing held open between rounds',
    '',
    'The rounds above run while the process holds one open pipeline of each chain (read once, never finished), as a server holds the streams it serves. Here nothing is held: the forced collection before each round frees the last object of some of iterscope\'s shapes, V8 drops the optimized code that depended on them (`--trace-deopt`: "code dependencies", "weak objects"), and each round starts partly cold. The generator and hand-written chains are measured the same way, in the same process.',
    '',
    table(['pipeline', 'held (ns/item)', 'cold (ns/item)', 'range', 'vs async generators', 'vs hand-written'], coldRows),
    '',
    '#### With an OpenTelemetry context manager registered',
    '',
    `\`AsyncLocalStorageContextManager\` registered, ${CM_ITEMS.toLocaleString('en-US')} items per round, in ${String(PROCESSES)} more fresh processes. Each chain is measured with the manager's storage off (\`manager.disable()\`) and on (turned on by a \`context.with\`, as an instrumented application's first request does; registering alone turns nothing on), rounds interleaved, so the slowdown is a ratio of rounds measured side by side. The storage on turns on Node's promise hooks for every promise in the process, which is the cost.`,
    '',
    table(['pipeline', 'without (ns/item)', 'with (ns/item)', 'range', 'slowdown', 'vs async generators', 'vs hand-written'], cmRows),
  ].join('\n');
  return { title: 'map → filter → map', markdown };
}
