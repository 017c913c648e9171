/**
 * A client disconnect behind the real `openai` client, on loopback: a local server answers
 * the chat completion with SSE headers and one chunk, then stalls (a model that went quiet).
 * The consumer reads that chunk, asks for the next one (parked on the stalled upstream),
 * then closes the stream as a server does when its client disconnects. Prints, per run,
 * the time from the close to: the upstream request closed (seen by the server), the
 * stream's `withCleanup`, and the close (`return()`) resolved.
 *
 * Not a test; measures one scenario. Run with the node of this repo:
 *   node --import tsx bench/disconnect.ts           # defer(signal => create(..., { signal }))
 *   node --import tsx bench/disconnect.ts plain     # the stream object without a signal
 */
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import * as iterscope from 'iterscope';

const variant = process.argv[2] === 'plain' ? 'plain' : 'defer';
const runs = 3;

const chunk = JSON.stringify({
  id: 'c1',
  object: 'chat.completion.chunk',
  created: 0,
  model: 'loopback',
  choices: [{ index: 0, delta: { content: 'hello' }, finish_reason: null }],
});

let upstreamClosed: (() => void) | undefined;
const open = new Set<ServerResponse>();
const server = createServer((req, res) => {
  req.resume();
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  res.write(`data: ${chunk}\n\n`); // one chunk, then the model goes quiet
  open.add(res);
  const notify = upstreamClosed; // this run's, not the next one's
  res.on('close', () => {
    open.delete(res);
    notify?.();
  });
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const { port } = server.address() as AddressInfo;
const client = new OpenAI({ apiKey: 'loopback', baseURL: `http://127.0.0.1:${String(port)}/v1`, maxRetries: 0 });
const body = { model: 'loopback', messages: [{ role: 'user' as const, content: 'hi' }], stream: true as const };

async function once(): Promise<{ upstream: string; cleanup: string; returned: string }> {
  let cleanupAt = 0;
  let upstreamAt = 0;
  const upstream = new Promise<void>((resolve) => {
    upstreamClosed = () => {
      upstreamAt = performance.now();
      resolve();
    };
  });
  const source =
    variant === 'defer'
      ? iterscope.defer((signal) => client.chat.completions.create(body, { signal }))
      : await client.chat.completions.create(body);
  const stream = iterscope.pipe(
    source,
    iterscope.withCleanup(() => {
      cleanupAt = performance.now();
    }),
  );
  await stream.next(); // the one chunk
  const pending = stream.next(); // parked on the stalled upstream
  await new Promise((resolve) => setTimeout(resolve, 20));
  const closedAt = performance.now(); // the client disconnects
  await stream.return();
  const returnedAt = performance.now();
  await pending;
  await Promise.race([upstream, new Promise((resolve) => setTimeout(resolve, 6_000))]);
  upstreamClosed = undefined;
  for (const res of open) res.destroy(); // whatever the client left open after 6 s
  const ms = (t: number): string => (t === 0 ? 'not within 6000' : String(Math.round(t - closedAt)));
  return { upstream: ms(upstreamAt), cleanup: ms(cleanupAt), returned: ms(returnedAt) };
}

iterscope.onReport(() => undefined); // stragglers are expected in the plain variant
console.log(`variant: ${variant} (Node ${process.version})`);
for (let i = 0; i < runs; i++) {
  const r = await once();
  console.log(`run ${String(i + 1)}: upstream request closed ${r.upstream} ms, withCleanup ${r.cleanup} ms, return() ${r.returned} ms`);
}
server.close();
server.closeAllConnections();
