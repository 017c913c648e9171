/**
 * iterscope keeps what `for await` does right (one awaited `return()` on break, return and
 * throw; none after the end) and closes in the cases it cannot reach: a stage handed an
 * open iterator closes it even when the stage is closed before its first `next()` (C1),
 * and a stage that stops on its own (`take`) closes its source.
 *
 * Run: node --import tsx docs/examples/why/iterscope/closes.ts
 */
import { aclosing, pipe, take } from 'iterscope';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A hand-written iterator over 1, 2, 3 that counts `return()` calls; closing takes 20 ms. */
function source(log: { returns: number; closed: boolean }): AsyncIterableIterator<number> {
  let i = 0;
  return {
    [Symbol.asyncIterator]() {
      return this;
    },
    async next() {
      i++;
      return i <= 3 ? { done: false, value: i } : { done: true, value: undefined };
    },
    async return() {
      log.returns++;
      await sleep(20);
      log.closed = true;
      return { done: true, value: undefined };
    },
  };
}

async function loop(exit: 'break' | 'return' | 'throw' | 'end', log: { returns: number; closed: boolean }): Promise<void> {
  for await (const x of aclosing(source(log))) {
    if (x < 2) continue;
    if (exit === 'break') break;
    if (exit === 'return') return;
    if (exit === 'throw') throw new Error('the loop body failed');
  }
}

for (const exit of ['break', 'return', 'throw', 'end'] as const) {
  const log = { returns: 0, closed: false };
  await loop(exit, log).catch(() => undefined);
  console.log(`${exit}: return() called ${String(log.returns)} time(s), loop left after the close finished: ${String(log.closed)}`);
}

// A stage closed before its first next() still closes the iterator it was handed.
const closedLog: string[] = [];
async function* connection(): AsyncGenerator<string> {
  try {
    yield 'header';
    yield 'row 1';
  } finally {
    closedLog.push('connection closed');
  }
}
const rows = connection();
await rows.next(); // the header is read by hand: the connection is open now
const stream = aclosing(rows); // handed over: the stage owns it from here
await stream.return();
console.log(`after return() on the unread stage: [${closedLog.join(', ')}]`);

// A stage that stops on its own closes its source.
const log = { returns: 0, closed: false };
for await (const _ of pipe(source(log), take(2))) {
  // take(2) stops after two items
}
console.log(`take(2) ran to its end: source's return() called ${String(log.returns)} time(s)`);
