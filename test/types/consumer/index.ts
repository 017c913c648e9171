// A consumer of the published declarations (dist/*.d.ts) without @types/node: what a
// browser or bundler project sees. Uses the parts whose types reach furthest: stages,
// operators, await using, the Node and web stream adapters, reports.
import {
  aclosing,
  fromNodeReadable,
  fromReadableStream,
  map,
  onReport,
  pipe,
  take,
  toArray,
  toReadableStream,
  type NodeReadableLike,
  type Report,
  type Stage,
} from 'iterscope';

async function* numbers(): AsyncGenerator<number> {
  yield 1;
}

export async function use(readable: NodeReadableLike, stream: ReadableStream<string>): Promise<number[]> {
  const stop = onReport((report: Report) => {
    console.log(report.type);
  });
  const stage: Stage<string> = pipe(aclosing(numbers()), map((n: number) => String(n)), take(1));
  {
    await using lines = fromNodeReadable<string>(readable, { signal: AbortSignal.timeout(100) });
    await lines.next();
  }
  const web: ReadableStream<string> = toReadableStream(stage);
  await fromReadableStream(stream).return();
  await web.cancel();
  stop();
  return toArray(pipe([1, 2, 3], take(2)));
}
