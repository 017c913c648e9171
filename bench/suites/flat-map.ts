/** flatMap with concurrency 4: 10,000 outer items, each an inner async source of 100 numbers. */
import { from as ixFrom } from 'ix/asynciterable';
import { flatMap as ixFlatMap } from 'ix/asynciterable/operators';
import { flatMap, pipe } from 'iterscope';
import { counter } from '../lib/chains.js';
import { drainer, fmt, together, ratio, spreadOf, table } from '../lib/timing.js';

const OUTER = 5_000;
const INNER = 100;

export default async function suite(): Promise<{ title: string; markdown: string }> {
  console.log('flatMap, concurrency 4');
  const m = together();
  const inner = (): AsyncIterableIterator<number> => counter(INNER);
  async function* genFlat(source: AsyncIterable<number>): AsyncGenerator<number> {
    for await (const _ of source) yield* inner();
  }
  const d1 = drainer();
  const d2 = drainer();
  const d3 = drainer();
  const d4 = drainer();
  const ours4 = m.add('iterscope flatMap (concurrency 4)', () => d1(pipe(counter(OUTER), flatMap(inner, { concurrency: 4 }))));
  const ours1 = m.add('iterscope flatMap (concurrency 1)', () => d2(pipe(counter(OUTER), flatMap(inner))));
  const ix4 = m.add('IxJS flatMap (concurrent 4)', () => d3(ixFrom(counter(OUTER / 10)).pipe(ixFlatMap(inner, 4))));
  const gen = m.add('async generator (yield*, sequential)', () => d4(genFlat(counter(OUTER))));
  await m.run(17);
  const markdown = [
    `${OUTER.toLocaleString('en-US')} outer items, each mapped to a hand-written async source of ${String(INNER)} numbers; ns per inner item. (IxJS: a tenth of the outer items per round.)`,
    '',
    table(
      ['pipeline', 'ns/item (median)', 'range', 'vs async generator'],
      [
        ['iterscope flatMap, concurrency 4', fmt(ours4.median), spreadOf(ours4), ratio(ours4, gen)],
        ['iterscope flatMap, concurrency 1', fmt(ours1.median), spreadOf(ours1), ratio(ours1, gen)],
        ['IxJS flatMap, concurrent 4', fmt(ix4.median), spreadOf(ix4), ratio(ix4, gen)],
        ['async generator with yield* (sequential)', fmt(gen.median), spreadOf(gen), '1.00×'],
      ],
    ),
  ].join('\n');
  return { title: 'flatMap with concurrency 4', markdown };
}
