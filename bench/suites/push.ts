/** A push source: the producer pushes with backpressure, the consumer reads with for await. */
import { FixedBuffer, Repeater } from '@repeaterjs/repeater';
import { channel } from 'iterscope';
import { fmt, together, ratio, resolved, spreadOf, table } from '../lib/timing.js';

const N = 100_000;
const CAPACITY = 16;

async function consume(iterable: AsyncIterable<number>): Promise<number> {
  let n = 0;
  for await (const _ of iterable) n++;
  return n;
}

export default async function suite(): Promise<{ title: string; markdown: string }> {
  console.log('channel: push to for await');
  const m = together();
  const ours = m.add('iterscope channel', async () => {
    const ch = channel<number>({ capacity: CAPACITY });
    const producing = (async () => {
      for (let i = 0; i < N; i++) await ch.push(i);
      ch.close();
    })();
    const n = await consume(ch.stream);
    await producing;
    return n;
  });
  const rep = m.add('Repeater', () =>
    consume(
      new Repeater<number>(async (push, stop) => {
        for (let i = 0; i < N; i++) await push(i);
        stop();
      }, new FixedBuffer(CAPACITY)),
    ),
  );
  await m.run(17);
  const markdown = [
    `A producer pushes ${N.toLocaleString('en-US')} numbers, awaiting each push (room for ${String(CAPACITY)} unread), while a consumer reads them with \`for await\`; ns per item.`,
    '',
    table(
      ['source', 'ns/item (median)', 'range (min–max)', 'vs iterscope', 'apart?'],
      [
        ['iterscope channel({ capacity: 16 })', fmt(ours.median), spreadOf(ours), '1.00×', '—'],
        ['Repeater with a FixedBuffer(16)', fmt(rep.median), spreadOf(rep), ratio(rep, ours), resolved(rep, ours)],
      ],
    ),
  ].join('\n');
  return { title: 'channel: push to for await', markdown };
}
