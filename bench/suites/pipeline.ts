/**
 * map → filter → map over 1e6 numbers: iterscope against three raw async generators, a
 * minimal hand-written chain with no guarantees, and the peers, all in one process;
 * then the same with OpenTelemetry's context manager registered. Both halves run in
 * fresh child processes (see bench/lib/chain-runner.ts).
 */
import { execFileSync } from 'node:child_process';
import { chains } from '../lib/chains.js';
import { fmt, ratio, spreadOf, table, type Summary } from '../lib/timing.js';

const FAST = 1_000_000;
const SLOW = 200_000; // IxJS and Repeater take ~4 µs per item: fewer items, same ns/item
const ROUNDS = 7;
const CM_ITEMS = 200_000;
const slow = new Set(['IxJS', 'Repeater']);

export default async function suite(): Promise<{ title: string; markdown: string }> {
  console.log('map → filter → map (all pipelines in one fresh child process)');
  const results = runChains(Object.keys(chains), false, FAST);
  const get = (name: string): number => results[name]?.median ?? NaN;
  const ours = get('iterscope');
  const gen = get('async generators');
  const hand = get('hand-written');
  const unfused = get('iterscope, unfused');
  const rows = Object.entries(results).map(([name, s]) => [
    name,
    String(slow.has(name) ? SLOW : FAST),
    fmt(s.median),
    spreadOf(s),
    ratio(s.median, gen),
    ratio(s.median, hand),
    name === 'iterscope' ? '1.00×' : ratio(s.median, ours),
  ]);

  const peers = ['IxJS', 'streaming-iterables', 'it-map/it-filter', 'Repeater'];
  const goals = table(
    ['goal', 'measured', 'goal met?'],
    [
      ['≤ 0.5× the raw async-generator chain', ratio(ours, gen), ours <= 0.5 * gen ? 'yes' : 'no'],
      ['≤ 1.3× the minimal hand-written chain', ratio(ours, hand), ours <= 1.3 * hand ? 'yes' : 'no'],
      // Stages built one by one (across functions or libraries) read each other directly:
      // no promise per hop, so they should cost little more than the fused chain.
      ['unfused (three separate stages) ≤ 1.2× the hand-written chain', ratio(unfused, hand), unfused <= 1.2 * hand ? 'yes' : 'no'],
      ['≥ 10× faster than IxJS', `${(get('IxJS') / ours).toFixed(1)}× faster`, get('IxJS') >= 10 * ours ? 'yes' : 'no'],
      [
        'faster than every peer',
        peers.map((p) => `${p} ${(get(p) / ours).toFixed(2)}×`).join(', '),
        peers.every((p) => ours < get(p)) ? 'yes' : 'no',
      ],
    ],
  );

  console.log('map → filter → map, cold: no pipeline held open across the forced collections (another child process)');
  const coldNames = ['iterscope', 'iterscope, unfused', 'async generators', 'hand-written'];
  const cold = runChains(coldNames, false, FAST, true);
  const coldRows = Object.entries(cold).map(([name, s]) => [
    name,
    fmt(results[name]?.median ?? NaN),
    fmt(s.median),
    spreadOf(s),
    ratio(s.median, cold['async generators']?.median ?? NaN),
    ratio(s.median, cold['hand-written']?.median ?? NaN),
  ]);

  console.log('map → filter → map with an OpenTelemetry context manager (another child process)');
  const cmNames = ['iterscope', 'iterscope, unfused', 'async generators', 'hand-written'];
  const withCm = runChains(cmNames, true, CM_ITEMS);
  const cmRows = Object.entries(withCm).map(([name, s]) => [
    name,
    fmt(results[name]?.median ?? NaN),
    fmt(s.median),
    spreadOf(s),
    ratio(s.median, results[name]?.median ?? NaN),
    ratio(s.median, withCm['async generators']?.median ?? NaN),
    ratio(s.median, withCm['hand-written']?.median ?? NaN),
  ]);

  const markdown = [
    `Per source item, ${String(ROUNDS)} rounds after a warm-up, interleaved across the pipelines (round 1 of each, then round 2, ...), with one open pipeline of each chain held meanwhile (see "Cold" below); median and range (min–max) in ns/item. The source is a minimal hand-written async iterator over 0..n-1; every chain is map(x + 1) → filter(even) → map(x * 2). \`iterscope\` is \`pipe(source, map, filter, map)\`, which runs the three operators as one stage (fusion, same contract); \`iterscope, unfused\` applies them one by one, as three stages.`,
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
    `\`AsyncLocalStorageContextManager\` enabled (it turns on Node's promise hooks for the whole process), ${CM_ITEMS.toLocaleString('en-US')} items per round, in a separate child process.`,
    '',
    table(['pipeline', 'without (ns/item)', 'with (ns/item)', 'range', 'slowdown', 'vs async generators', 'vs hand-written'], cmRows),
  ].join('\n');
  return { title: 'map → filter → map over 1e6 items', markdown };
}

function runChains(names: string[], contextManager: boolean, items: number, cold = false): Record<string, Summary> {
  const args = ['--expose-gc', '--import', 'tsx', 'bench/lib/chain-runner.ts', `--items=${String(items)}`];
  args.push(`--slow-items=${String(SLOW)}`, `--rounds=${String(ROUNDS)}`);
  if (contextManager) args.push('--context-manager');
  if (cold) args.push('--cold');
  const out = execFileSync(process.execPath, [...args, ...names], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = out.trim().split('\n');
  for (const line of lines.slice(0, -1)) console.log(line);
  return JSON.parse(lines[lines.length - 1] ?? '{}') as Record<string, Summary>;
}
