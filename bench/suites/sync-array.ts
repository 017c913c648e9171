/** map → filter → map over a plain array of 1e6 numbers (a sync iterable source). */
import { filter, map, pipe } from 'iterscope';
import { dbl, even, genFilter, genMap, inc } from '../lib/chains.js';
import { drainer, fmt, together, ratio, spreadOf, table } from '../lib/timing.js';

const N = 500_000;

export default async function suite(): Promise<{ title: string; markdown: string }> {
  console.log('sync-array source');
  const m = together();
  const array = Array.from({ length: N }, (_, i) => i);
  async function* fromArray(items: number[]): AsyncGenerator<number> {
    for (const x of items) yield x;
  }
  const d1 = drainer();
  const d2 = drainer();
  const ours = m.add('iterscope (array source)', () => d1(pipe(array, map(inc), filter(even), map(dbl))));
  const gen = m.add('async generators (array source)', () => d2(genMap(genFilter(genMap(fromArray(array), inc), even), dbl)));
  await m.run(17);
  const markdown = [
    `The source is an array of ${N.toLocaleString('en-US')} numbers; iterscope reads it directly (a sync iterable), the generator chain through \`for await\` over an \`async function*\` that yields it.`,
    '',
    table(
      ['pipeline', 'ns/item (median)', 'range', 'vs async generators'],
      [
        ['iterscope', fmt(ours.median), spreadOf(ours), ratio(ours, gen)],
        ['async generators', fmt(gen.median), spreadOf(gen), '1.00×'],
      ],
    ),
  ].join('\n');
  return { title: 'Sync-array source', markdown };
}
