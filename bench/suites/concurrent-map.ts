/** map with concurrency 4: an async callback over a source, up to 4 calls at once. */
import { parallelMap, transform } from 'streaming-iterables';
import { map, pipe } from 'iterscope';
import { counter, genMap } from '../lib/chains.js';
import { drainer, fmt, together, ratio, resolved, spreadOf, table } from '../lib/timing.js';

const N = 100_000;
const call = async (x: number): Promise<number> => x * 2;

export default async function suite(): Promise<{ title: string; markdown: string }> {
  console.log('map with concurrency 4');
  const m = together();
  const d = [drainer(), drainer(), drainer(), drainer(), drainer()] as const;
  const ordered = m.add('iterscope map, concurrency 4', () => d[0](pipe(counter(N), map(call, { concurrency: 4 }))));
  const unordered = m.add('iterscope map, concurrency 4, unordered', () =>
    d[1](pipe(counter(N), map(call, { concurrency: 4, ordered: false }))),
  );
  const si = m.add('streaming-iterables parallelMap(4)', () => d[2](parallelMap(4, call, counter(N))));
  const siT = m.add('streaming-iterables transform(4)', () => d[3](transform(4, call, counter(N))));
  const gen = m.add('async generator, one call at a time', () => d[4](genMap(counter(N), call)));
  await m.run(25);
  const markdown = [
    `An async callback (\`x => x * 2\`, so the cost is the operator's own) over a hand-written source of ${N.toLocaleString('en-US')} numbers, up to 4 calls in flight; ns per item.`,
    '',
    table(
      ['pipeline', 'ns/item (median)', 'range (min–max)', 'vs iterscope (same order)', 'apart?'],
      [
        ['iterscope map, concurrency 4 (in order)', fmt(ordered.median), spreadOf(ordered), '1.00×', '—'],
        ['streaming-iterables parallelMap(4) (in order)', fmt(si.median), spreadOf(si), ratio(si, ordered), resolved(si, ordered)],
        ['iterscope map, concurrency 4, ordered: false', fmt(unordered.median), spreadOf(unordered), '1.00×', '—'],
        ['streaming-iterables transform(4) (as they finish)', fmt(siT.median), spreadOf(siT), ratio(siT, unordered), resolved(siT, unordered)],
        ['async generator, one call at a time (in order)', fmt(gen.median), spreadOf(gen), ratio(gen, ordered), resolved(gen, ordered)],
      ],
    ),
  ].join('\n');
  return { title: 'map with concurrency 4', markdown };
}
