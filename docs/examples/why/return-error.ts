/**
 * What `for await` does with an error from `return()`: after a `break`, it becomes the
 * loop's error. When the loop body threw, the close error is dropped without a trace: the
 * consumer sees only the body's error.
 *
 * Run: node --import tsx docs/examples/why/return-error.ts
 */

/** An iterator whose close fails, as a connection's release might. */
function source(): AsyncIterableIterator<number> {
  return {
    [Symbol.asyncIterator]() {
      return this;
    },
    async next() {
      return { done: false, value: 1 };
    },
    async return() {
      throw new Error('close failed');
    },
  };
}

async function caught(body: () => Promise<void>): Promise<Error | undefined> {
  try {
    await body();
    return undefined;
  } catch (error) {
    return error as Error;
  }
}

const afterBreak = await caught(async () => {
  for await (const _ of source()) break;
});
console.log(`break: the loop threw '${String(afterBreak?.message)}'`);

const afterThrow = await caught(async () => {
  for await (const _ of source()) throw new Error('body failed');
});
// Is 'close failed' anywhere on what the consumer caught?
const attached = afterThrow !== undefined && ('suppressed' in afterThrow || afterThrow.cause !== undefined);
console.log(`body threw: the loop threw '${String(afterThrow?.message)}', close error attached: ${String(attached)}`);
