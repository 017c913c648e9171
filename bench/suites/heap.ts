/** Heap retained per open stage, and heap after 1e7 items (it should stay flat). */
import { filter, map, pipe, type Stage } from 'iterscope';
import { counter, dbl, even, inc } from '../lib/chains.js';
import { drainer, fmt, heapUsed, table } from '../lib/timing.js';

const STAGES = 10_000;
/** The flat-heap run: 1e7 items, as the stage-mechanism goal says (about 3 s here). */
const ITEMS = 10_000_000;
const ITEMS_LABEL = '1e7';

export default async function suite(): Promise<{ title: string; markdown: string }> {
  console.log('heap');
  // Open stages: each map stage over its own source, pulled once so it holds the source open.
  const before = heapUsed();
  const open: Stage<number>[] = [];
  for (let i = 0; i < STAGES; i++) {
    const stage = pipe(counter(10), map(inc));
    await stage.next();
    open.push(stage);
  }
  const during = heapUsed();
  const perStage = (during - before) / STAGES;
  await Promise.all(open.map((s) => s.return()));
  open.length = 0;
  console.log(`  retained per open stage (with its source): ${fmt(perStage)} bytes`);

  // Flat heap: the heap after ITEMS items through map → filter → map vs. after 1e4.
  const drain = drainer();
  await drain(pipe(counter(10_000), map(inc), filter(even), map(dbl)));
  const base = heapUsed();
  const stage = pipe(counter(ITEMS), map(inc), filter(even), map(dbl));
  const midway = pipe(stage, map((x: number) => x));
  let count = 0;
  let sampled = 0;
  for (;;) {
    const r = await midway.next();
    if (r.done === true) break;
    if (++count === ITEMS / 4) sampled = heapUsed(); // measured with the chain open, midway
  }
  const after = heapUsed();
  const midwayLabel = (ITEMS / 4).toLocaleString('en-US');
  console.log(`  heap: before ${fmt(base / 1024)} KiB, at ${midwayLabel} items ${fmt(sampled / 1024)} KiB, after ${ITEMS_LABEL} ${fmt(after / 1024)} KiB`);
  const markdown = [
    table(
      ['measure', 'value'],
      [
        [`heap retained per open stage (a \`map\` over a pulled source, ${STAGES.toLocaleString('en-US')} open)`, `${fmt(perStage)} bytes`],
        [`heap before the ${ITEMS_LABEL}-item run (after GC)`, `${fmt(base / 1024)} KiB`],
        [`heap with the chain open, ${midwayLabel} items in (after GC)`, `${fmt(sampled / 1024)} KiB (${sampled >= base ? '+' : ''}${fmt((sampled - base) / 1024)} KiB)`],
        [`heap after ${ITEMS_LABEL} items (after GC)`, `${fmt(after / 1024)} KiB (${after >= base ? '+' : ''}${fmt((after - base) / 1024)} KiB)`],
      ],
    ),
  ].join('\n');
  return { title: 'Heap', markdown };
}
