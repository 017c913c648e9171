/**
 * `npm run example:graphql`: a graphql-yoga subscription over SSE on loopback, left by its
 * client in six situations; prints what the server managed to close, and the spans.
 * Run with `node --expose-gc` (the npm script does): one scenario needs a collection.
 */
import { formatSpanTree } from '../shared/span-tree.js';
import { installTracing } from '../shared/tracing.js';
import { runScenario, SCENARIOS } from './scenarios.js';
import { startGraphqlServer } from './server.js';

const yes = (b: boolean): string => (b ? 'yes' : 'no');

const tracing = installTracing();
const server = await startGraphqlServer({ tracer: tracing.tracer });
try {
  for (const scenario of SCENARIOS) {
    const { texts, record, spans } = await runScenario(server, tracing, scenario);
    console.log(`## ${scenario.title} (${scenario.mode})`);
    console.log(`client: read ${JSON.stringify(texts.join(''))}, then left`);
    const closed = record.closedAt === undefined ? 'never closed' : `closed ${(record.closedAt - record.disconnectedAt!).toFixed(1)} ms after the disconnect (${record.closedWith!.outcome})`;
    console.log(`server: pipeline ${closed}; model finally ran: ${yes(record.upstreamFinally)}; resolver finally ran: ${scenario.mode === 'PIPELINE' ? 'n/a' : yes(record.resolverFinally)}`);
    const reports = tracing.reports.map((r) => `${r.type} (${r.stage})`);
    console.log(`reports: ${reports.length === 0 ? 'none' : reports.join(', ')}; spans still open: ${tracing.openSpans().join(', ') || 'none'}`);
    console.log(spans.length === 0 ? '(no span of this subscription ended)' : formatSpanTree(spans));
    console.log('');
  }
} finally {
  await server.close();
  tracing.uninstall();
}
