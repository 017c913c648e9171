/**
 * iterscope/testing: how long `checkContract` takes for 300 scenarios of a simple subject
 * (an iterscope `map`, and a hand-written async-generator map that honours nothing), so a
 * maintainer knows what a property test costs in their suite. Goal: under 2 s.
 */
import { map, pipe } from 'iterscope';
import { checkContract, ContractError, type SubjectInput } from 'iterscope/testing';
import { fmt, summarize, table } from '../lib/timing.js';

const RUNS = 300;
const ROUNDS = 5;

async function* genMap(source: AsyncIterable<number>): AsyncGenerator<number> {
  for await (const x of source) yield x * 2;
}

const subjects: Record<string, () => Promise<unknown>> = {
  'iterscope map (keeps the contract)': () =>
    checkContract(({ source, signal }: SubjectInput) => pipe(source as AsyncIterable<number>, map((x: number) => x * 2, { signal })), { runs: RUNS, seed: 5 }),
  // Stops at its first violation, as a user's failing run does.
  'async-generator map (breaks it)': () =>
    checkContract(({ source }: SubjectInput) => genMap(source as AsyncIterable<number>), {
      abort: false,
      sourceKinds: ['async', 'generator'],
      runs: RUNS,
      seed: 5,
    }).catch((error: unknown) => {
      if (!(error instanceof ContractError)) throw error;
    }),
};

export default async function suite(): Promise<{ title: string; markdown: string }> {
  console.log(`iterscope/testing: checkContract, ${String(RUNS)} scenarios`);
  const samples: Record<string, number[]> = {};
  for (const [name, run] of Object.entries(subjects)) {
    samples[name] = [];
    await run(); // warm-up
  }
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, run] of Object.entries(subjects)) {
      const started = performance.now();
      await run();
      samples[name]?.push(performance.now() - started);
    }
  }
  const rows = Object.entries(samples).map(([name, ms]) => {
    const s = summarize(ms);
    console.log(`  ${name.padEnd(44)} ${fmt(s.median).padStart(8)} ms`);
    return [name, fmt(s.median), `${fmt(s.min)}–${fmt(s.max)}`, s.max < 2000 ? 'yes' : 'no'];
  });
  const markdown = [
    `\`checkContract(subject, { runs: ${String(RUNS)}, seed: 5 })\`, ${String(ROUNDS)} rounds after a warm-up, in ms per call. The breaking subject stops at its first violation (the report a user reads), so it runs fewer scenarios.`,
    '',
    table(['subject', 'ms (median)', 'range (min–max)', 'under 2 s (max)?'], rows),
  ].join('\n');
  return { title: 'iterscope/testing: 300 scenarios', markdown };
}
