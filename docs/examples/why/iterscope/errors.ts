/**
 * C5: no error is lost. After a `break`, a close error is the loop's error, as in plain
 * JavaScript. When the loop body threw, `for await` still drops the rejection of
 * `return()`: iterscope cannot change that, so the stage reports the close error through
 * `onReport` as well as rejecting with it.
 *
 * Run: node --import tsx docs/examples/why/iterscope/errors.ts
 */
import { aclosing, onReport, type Report } from 'iterscope';

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

const reports: Report[] = [];
onReport((report) => reports.push(report));

async function caught(body: () => Promise<void>): Promise<Error | undefined> {
  try {
    await body();
    return undefined;
  } catch (error) {
    return error as Error;
  }
}

const afterBreak = await caught(async () => {
  for await (const _ of aclosing(source())) break;
});
console.log(`break: the loop threw '${String(afterBreak?.message)}'`);

reports.length = 0;
const afterThrow = await caught(async () => {
  for await (const _ of aclosing(source())) throw new Error('body failed');
});
console.log(`body threw: the loop threw '${String(afterThrow?.message)}'`);
for (const report of reports) {
  if (report.type === 'cleanup-error') console.log(`reported: ${report.type} in ${report.stage}: '${(report.error as Error).message}'`);
}
