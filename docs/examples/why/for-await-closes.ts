/**
 * What `for await` closes, and when: it calls `return()` exactly once when the loop body
 * leaves early (break, return, throw) and waits for it before the loop is left. A loop that
 * runs to the end never calls `return()`: the iterator said it was done.
 *
 * Run: node --import tsx docs/examples/why/for-await-closes.ts
 */
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
      await sleep(20); // a close that takes time: flushing, releasing a connection
      log.closed = true;
      return { done: true, value: undefined };
    },
  };
}

async function loop(exit: 'break' | 'return' | 'throw' | 'end', log: { returns: number; closed: boolean }): Promise<void> {
  for await (const x of source(log)) {
    if (x < 2) continue;
    if (exit === 'break') break;
    if (exit === 'return') return;
    if (exit === 'throw') throw new Error('the loop body failed');
  }
}

for (const exit of ['break', 'return', 'throw', 'end'] as const) {
  const log = { returns: 0, closed: false };
  await loop(exit, log).catch(() => undefined);
  // `closed` is set only after return()'s 20 ms: true here means the loop waited for it.
  console.log(`${exit}: return() called ${String(log.returns)} time(s), loop left after the close finished: ${String(log.closed)}`);
}
