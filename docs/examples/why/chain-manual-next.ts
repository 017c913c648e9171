/**
 * A chain of generators closes innermost first (C, then B, then A) when every link uses
 * `for await` or `yield*`: each link's loop closes the one below it. One link that pulls
 * with a manual `next()` and no `try/finally` breaks the chain: everything below it stays
 * open.
 *
 * Run: node --import tsx docs/examples/why/chain-manual-next.ts
 */
type Log = string[];

async function* c(log: Log): AsyncGenerator<number> {
  try {
    for (let i = 0; ; i++) yield i;
  } finally {
    log.push('C');
  }
}

async function* bForAwait(source: AsyncIterable<number>, log: Log): AsyncGenerator<number> {
  try {
    for await (const x of source) yield x * 10;
  } finally {
    log.push('B');
  }
}

async function* bYieldStar(source: AsyncIterable<number>, log: Log): AsyncGenerator<number> {
  try {
    yield* source;
  } finally {
    log.push('B');
  }
}

/** Reads by hand, the way a "peek the first item" helper does; no try/finally. */
async function* bManualNext(source: AsyncIterable<number>): AsyncGenerator<number> {
  const it = source[Symbol.asyncIterator]();
  for (let r = await it.next(); r.done !== true; r = await it.next()) yield r.value * 10;
}

async function* a(source: AsyncIterable<number>, log: Log): AsyncGenerator<number> {
  try {
    for await (const x of source) yield x + 1;
  } finally {
    log.push('A');
  }
}

const links: [string, (source: AsyncIterable<number>, log: Log) => AsyncIterable<number>][] = [
  ['B uses for await', bForAwait],
  ['B uses yield*', bYieldStar],
  ['B uses a manual next()', (source) => bManualNext(source)],
];
for (const [name, b] of links) {
  const log: Log = [];
  let n = 0;
  for await (const _ of a(b(c(log), log), log)) if (++n === 3) break;
  console.log(`${name}: closed [${log.join(', ')}]${log.includes('C') ? '' : ', C is still open'}`);
}
