/**
 * `return()` on an async generator that never started skips its body, `finally` included.
 * An upstream handed to it as an argument is never closed: the generator's `for await`,
 * the only code that would close it, never ran.
 *
 * Run: node --import tsx docs/examples/why/unstarted-generator.ts
 */
const log: string[] = [];

async function* connection(): AsyncGenerator<string> {
  try {
    yield 'header';
    yield 'row 1';
  } finally {
    log.push('connection closed');
  }
}

async function* upper(source: AsyncIterable<string>): AsyncGenerator<string> {
  try {
    for await (const line of source) yield line.toUpperCase();
  } finally {
    log.push('upper: finally');
  }
}

const rows = connection();
await rows.next(); // the header is read by hand: the connection is open now
const stream = upper(rows); // handed over, but `upper` has not started
await stream.return(undefined); // the consumer changes its mind before the first next()

console.log(`after return() on the unstarted generator: [${log.join(', ')}]`);
console.log(`the connection is still open: ${String((await rows.next()).value)} can still be read`);
await rows.return(undefined);
