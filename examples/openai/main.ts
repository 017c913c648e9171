/**
 * `npm run example:openai`: the `openai` client against a loopback model server; an
 * evaluator stops reading as soon as it has a verdict. Shows the request being aborted and
 * the spans.
 */
import { formatSpanTree } from '../shared/span-tree.js';
import { installTracing } from '../shared/tracing.js';
import { waitUntil } from '../shared/wait.js';
import { createClient, evaluate } from './evaluator.js';
import { startModelServer } from './model-server.js';

const tracing = installTracing({ fetchSpans: true });
const server = await startModelServer();
try {
  const client = createClient(server.baseURL);
  const { verdict, text } = await evaluate(tracing.tracer, client, 'Does the answer cite its sources?');
  console.log(`evaluator: verdict ${verdict} after reading ${JSON.stringify(text)}, then stopped`);
  const record = server.requests[0]!;
  await waitUntil('the model server saw the client hang up', () => record.disconnectedAt !== undefined);
  console.log(`model server: the client hung up after ${String(record.sent)} chunks (the answer had 200)`);
  await waitUntil('every span ended', () => tracing.openSpans().length === 0);
  console.log('\nspans:');
  console.log(formatSpanTree(tracing.spans()));
} finally {
  await server.close();
  tracing.uninstall();
}
