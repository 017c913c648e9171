/** share with 4 consumers: one source read once, every item to each consumer. */
import { from as ixFrom } from 'ix/asynciterable';
import { publish } from 'ix/asynciterable/operators';
import { share } from 'iterscope';
import { counter } from '../lib/chains.js';
import { drainer, fmt, together, ratio, resolved, spreadOf, table, type Drain } from '../lib/timing.js';

const N = 50_000;
const CONSUMERS = 4;

/** Drain every consumer side by side; the items the source produced (each reached all consumers). */
async function fanOut(consumers: readonly AsyncIterable<number>[], drains: readonly Drain[]): Promise<number> {
  const counts = await Promise.all(consumers.map((c, i) => (drains[i]!)(c)));
  if (counts.some((n) => n !== counts[0])) throw new Error(`consumers disagree: ${counts.join(', ')}`);
  return counts[0] ?? 0;
}

export default async function suite(): Promise<{ title: string; markdown: string }> {
  console.log('share with 4 consumers');
  const m = together();
  const drains = () => Array.from({ length: CONSUMERS }, () => drainer());
  const d1 = drains();
  const d2 = drains();
  const one = drainer();
  const ours = m.add('iterscope share, 4 consumers', () => {
    const shared = share(counter(N));
    return fanOut(Array.from({ length: CONSUMERS }, () => shared[Symbol.asyncIterator]()), d1);
  });
  const ix = m.add('IxJS publish, 4 consumers', () => {
    const published = ixFrom(counter(N / 5)).pipe(publish());
    return fanOut(Array.from({ length: CONSUMERS }, () => published[Symbol.asyncIterator]() as unknown as AsyncIterable<number>), d2);
  });
  const alone = m.add('the source read by one consumer', () => one(counter(N)));
  await m.run(17);
  const markdown = [
    `One hand-written async source of ${N.toLocaleString('en-US')} numbers (IxJS: a fifth per round), read by ${String(CONSUMERS)} consumers side by side; ns per source item (each reaches all ${String(CONSUMERS)}).`,
    '',
    table(
      ['pipeline', 'ns/item (median)', 'range (min–max)', 'vs iterscope', 'apart?'],
      [
        ['iterscope share, 4 consumers', fmt(ours.median), spreadOf(ours), '1.00×', '—'],
        ['IxJS publish, 4 consumers', fmt(ix.median), spreadOf(ix), ratio(ix, ours), resolved(ix, ours)],
        ['the source read by one consumer, no sharing', fmt(alone.median), spreadOf(alone), ratio(alone, ours), resolved(alone, ours)],
      ],
    ),
  ].join('\n');
  return { title: 'share with 4 consumers', markdown };
}
