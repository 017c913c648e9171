/**
 * `npm run example:process-hop`: a client reads server-sent events from a gateway process,
 * which streams them from a model-service process; the client disconnects after three
 * events. Prints the one trace the three processes exported.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatSpanTree } from '../shared/span-tree.js';
import { runProcessHop } from './scenario.js';
import { startTelemetry } from './telemetry.js';

const dir = mkdtempSync(join(tmpdir(), 'iterscope-hop-client-'));
const clientSpans = join(dir, 'client.jsonl');
try {
  const tracer = startTelemetry('client', clientSpans);
  const { spans, events } = await runProcessHop(tracer, clientSpans);
  console.log(`client: read ${String(events.length)} events, then disconnected`);
  console.log('\nspans (client, gateway and model-service processes):');
  console.log(formatSpanTree(spans, { durations: false }));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
