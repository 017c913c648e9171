/** merge of 4 sources of 250,000 numbers each. */
import { Repeater } from '@repeaterjs/repeater';
import { merge as ixMerge } from 'ix/asynciterable';
import { merge as siMerge } from 'streaming-iterables';
import { merge } from 'iterscope';
import { counter } from '../lib/chains.js';
import { drainer, fmt, together, ratio, spreadOf, table } from '../lib/timing.js';

const EACH = 125_000;

export default async function suite(): Promise<{ title: string; markdown: string }> {
  console.log('merge of 4 sources');
  const m = together();
  const four = (n: number): AsyncIterableIterator<number>[] => [counter(n), counter(n), counter(n), counter(n)];
  const d = [drainer(), drainer(), drainer(), drainer()] as const;
  const ours = m.add('iterscope merge', () => d[0](merge(...four(EACH))));
  const ix = m.add('IxJS merge', () => d[1](ixMerge(...(four(EACH / 10) as unknown as [AsyncIterable<number>]))));
  const si = m.add('streaming-iterables merge', () => d[2](siMerge(...four(EACH))));
  const rep = m.add('Repeater.merge', () => d[3](Repeater.merge(four(EACH / 10))));
  await m.run(13);
  const markdown = [
    `Four hand-written async sources of ${EACH.toLocaleString('en-US')} numbers each (IxJS and Repeater: a tenth per round); ns per item out of the merge.`,
    '',
    table(
      ['pipeline', 'ns/item (median)', 'range', 'vs iterscope'],
      [
        ['iterscope merge', fmt(ours.median), spreadOf(ours), '1.00×'],
        ['IxJS merge', fmt(ix.median), spreadOf(ix), ratio(ix, ours)],
        ['streaming-iterables merge', fmt(si.median), spreadOf(si), ratio(si, ours)],
        ['Repeater.merge', fmt(rep.median), spreadOf(rep), ratio(rep, ours)],
      ],
    ),
  ].join('\n');
  return { title: 'merge of 4 sources', markdown };
}
