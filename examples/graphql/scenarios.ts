/**
 * The disconnect scenarios, shared by `npm run example:graphql` and the test: each
 * subscribes, reads three tokens, leaves, and waits for what the server is able to do
 * about it.
 */
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { ExampleTracing } from '../shared/tracing.js';
import { collectUntil, sleep, waitUntil } from '../shared/wait.js';
import { subscribeThenLeave, TOKENS } from './client.js';
import type { GraphqlServer, ResolverMode, SubscriptionRecord } from './server.js';

export interface Scenario {
  readonly key: 'pipeline' | 'generator' | 'generator-dropped' | 'generator-signal' | 'scoped-generator' | 'generator-stuck';
  readonly title: string;
  readonly mode: ResolverMode;
  /** The model stops producing after this many tokens. */
  readonly stallAfter?: number;
  /** The resolver generator's own work hangs after this many tokens. */
  readonly resolverStallAfter?: number;
  /**
   * What ends the stream: a close (`closed`), the safety net after a collection
   * (`collected`), or nothing at all (`nothing`: the scenario only watches for a while).
   */
  readonly endsBy: 'closed' | 'collected' | 'nothing';
}

export const SCENARIOS: readonly Scenario[] = [
  { key: 'pipeline', title: 'the resolver returns the pipeline', mode: 'PIPELINE', endsBy: 'closed' },
  { key: 'generator', title: 'the resolver is a generator around the pipeline', mode: 'GENERATOR', endsBy: 'closed' },
  {
    key: 'generator-dropped',
    title: "the resolver generator's own work hangs, so yoga's return() never reaches it",
    mode: 'GENERATOR',
    resolverStallAfter: 3,
    endsBy: 'collected',
  },
  {
    key: 'generator-signal',
    title: 'the model stalls; the request signal is passed to the pipeline',
    mode: 'GENERATOR_WITH_SIGNAL',
    stallAfter: 3,
    endsBy: 'closed',
  },
  {
    key: 'scoped-generator',
    title: 'the model stalls; the resolver is a scoped generator',
    mode: 'SCOPED_GENERATOR',
    stallAfter: 3,
    endsBy: 'closed',
  },
  { key: 'generator-stuck', title: 'the model stalls; no signal', mode: 'GENERATOR', stallAfter: 3, endsBy: 'nothing' },
];

export interface ScenarioResult {
  readonly texts: string[];
  readonly abortedAt: number;
  readonly record: SubscriptionRecord;
  /** This subscription's finished spans (its operation span, stream span and their children). */
  readonly spans: ReadableSpan[];
}

const READ = 3;
const BOUND_MS = 2_000;
/** How long the `nothing` scenario watches (many token latencies, several close deadlines). */
export const WATCH_MS = 500;

export async function runScenario(server: GraphqlServer, tracing: ExampleTracing, scenario: Scenario): Promise<ScenarioResult> {
  tracing.reset();
  const before = server.subscriptions.length;
  const variables = { mode: scenario.mode, stallAfter: scenario.stallAfter ?? null, resolverStallAfter: scenario.resolverStallAfter ?? null };
  const { texts, abortedAt } = await subscribeThenLeave(server.url, TOKENS, variables, READ);
  const record = server.subscriptions[before]!;
  await waitUntil('yoga saw the client leave', () => record.disconnectedAt !== undefined, BOUND_MS);
  const streamSpanEnded = (): boolean => tracing.spans().some((s) => s.name === 'llm.stream' && s.attributes['subscription.id'] === record.id);
  switch (scenario.endsBy) {
    case 'closed':
      await waitUntil('the pipeline closed', () => record.closedAt !== undefined && streamSpanEnded(), BOUND_MS);
      break;
    case 'collected':
      // Nothing will ever close this stream: only the collector can find out.
      await collectUntil('the safety net ended the stream span', streamSpanEnded);
      break;
    case 'nothing':
      await sleep(WATCH_MS);
      break;
  }
  // Let what is about to end (the operation span, a finally) do so, so the tree shows it.
  await sleep(20);
  return { texts, abortedAt, record, spans: spansOf(tracing.spans(), record.id) };
}

/** The spans of one subscription: those tagged with its id, and everything below them. */
function spansOf(all: readonly ReadableSpan[], id: number): ReadableSpan[] {
  const mine = new Set(all.filter((s) => s.attributes['subscription.id'] === id).map((s) => s.spanContext().spanId));
  for (let grew = true; grew; ) {
    grew = false;
    for (const s of all) {
      const parent = s.parentSpanContext?.spanId;
      if (parent !== undefined && mine.has(parent) && !mine.has(s.spanContext().spanId)) {
        mine.add(s.spanContext().spanId);
        grew = true;
      }
    }
  }
  return all.filter((s) => mine.has(s.spanContext().spanId));
}
