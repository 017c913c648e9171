/**
 * `npm run example:sse`: start the SSE server on loopback, let a `fetch` client read five
 * tokens and leave, then show what the server did about it and the spans it produced.
 */
import { formatSpanTree } from '../shared/span-tree.js';
import { installTracing } from '../shared/tracing.js';
import { waitUntil } from '../shared/wait.js';
import { readTokensThenLeave } from './client.js';
import { startSseServer } from './server.js';

const tracing = installTracing();
const server = await startSseServer({ tracer: tracing.tracer });
try {
  const { tokens } = await readTokensThenLeave(server.url, 5);
  console.log(`client: read ${JSON.stringify(tokens.join(''))} (${String(tokens.length)} tokens), then left`);
  const record = server.requests[0]!;
  await waitUntil('the pipeline closed and every span ended', () => record.closedAt !== undefined && record.upstreamFinally && tracing.openSpans().length === 0);
  const after = (record.closedAt! - (record.disconnectedAt ?? Number.NaN)).toFixed(1);
  console.log(`server: pipeline closed ${after} ms after the disconnect (outcome ${record.closedWith!.outcome}); the model's finally ran`);
  console.log('\nspans:');
  console.log(formatSpanTree(tracing.spans()));
} finally {
  await server.close();
  tracing.uninstall();
}
