/**
 * C4: a pipeline closes innermost first, C, then B, then A, however it is built: each stage
 * closes its source and waits for it before its own cleanup. A link that must pull by hand
 * keeps the chain intact by owning its source with `await using ... = aclosing(source)`:
 * leaving the generator, by any path, closes what is below it.
 *
 * Run: node --import tsx docs/examples/why/iterscope/chain.ts
 */
import { aclosing, map, pipe, withCleanup } from 'iterscope';

type Log = string[];

async function* c(log: Log): AsyncGenerator<number> {
  try {
    for (let i = 0; ; i++) yield i;
  } finally {
    log.push('C');
  }
}

{
  const log: Log = [];
  const stream = pipe(
    c(log),
    map((x: number) => x * 10),
    withCleanup(() => log.push('B')),
    map((x: number) => x + 1),
    withCleanup(() => log.push('A')),
  );
  let n = 0;
  for await (const _ of stream) if (++n === 3) break;
  console.log(`pipe: closed [${log.join(', ')}]`);
}

/** Reads by hand, as before, but owns its source: no try/finally needed. */
async function* bManualNext(source: AsyncIterable<number>): AsyncGenerator<number> {
  await using it = aclosing(source);
  for (let r = await it.next(); r.done !== true; r = await it.next()) yield r.value * 10;
}

async function* a(source: AsyncIterable<number>, log: Log): AsyncGenerator<number> {
  try {
    for await (const x of source) yield x + 1;
  } finally {
    log.push('A');
  }
}

{
  const log: Log = [];
  let n = 0;
  for await (const _ of a(bManualNext(c(log)), log)) if (++n === 3) break;
  console.log(`B uses a manual next() on aclosing(source): closed [${log.join(', ')}]`);
}
