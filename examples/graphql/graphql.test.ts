import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runExample } from '../shared/run-example.js';
import { idOf, named, only, outcomeOf, parentOf } from '../shared/spans.js';
import { installTracing, type ExampleTracing } from '../shared/tracing.js';
import { runScenario, SCENARIOS, type Scenario } from './scenarios.js';
import { startGraphqlServer, type GraphqlServer } from './server.js';

// Generous: the model sleeps 15 ms between tokens and the pipeline's close deadline is
// 200 ms; a second means something waited for what it should not have.
const CLOSE_BOUND_MS = 1_000;

const scenario = (key: Scenario['key']): Scenario => SCENARIOS.find((s) => s.key === key)!;
// The order spans ended in, as the exporter received them. Not their end times: the SDK
// anchors each span's clock to Date.now() when it starts, so two spans' end times can
// disagree by up to a millisecond.
const endOrder = (spans: readonly ReadableSpan[], span: ReadableSpan): number => spans.indexOf(span);

/** The stream span's children: the model's own span and one tool span per token. */
function expectStreamChildren(spans: ReadableSpan[], stream: ReadableSpan, sent: number): void {
  expect(parentOf(only(spans, 'llm.connect'))).toBe(idOf(stream));
  const tools = named(spans, 'tool.call');
  expect(tools.length).toBeGreaterThanOrEqual(sent);
  for (const tool of tools) {
    expect(parentOf(tool)).toBe(idOf(stream));
    expect(['completed', 'cancelled', 'aborted']).toContain(outcomeOf(tool));
    if (Number(tool.attributes['iterscope.item.index']) < sent) expect(outcomeOf(tool)).toBe('completed');
  }
}

describe('GraphQL subscription (graphql-yoga over SSE): the client leaves', () => {
  let tracing: ExampleTracing;
  let server: GraphqlServer;
  beforeAll(async () => {
    tracing = installTracing();
    server = await startGraphqlServer({ tracer: tracing.tracer, closeTimeout: 200 });
  });
  afterAll(async () => {
    await server.close();
    tracing.uninstall();
  });

  it("the resolver returns the pipeline: yoga's return() closes it at once (C2), cancelled", async () => {
    const { texts, record, spans } = await runScenario(server, tracing, scenario('pipeline'));
    expect(texts).toHaveLength(3);
    expect(record.closedWith?.outcome).toBe('cancelled');
    expect(record.closedAt! - record.disconnectedAt!).toBeLessThan(CLOSE_BOUND_MS);
    expect(record.upstreamFinally).toBe(true);
    expect(tracing.openSpans()).toEqual([]);
    const operation = only(spans, 'subscription tokens');
    const stream = only(spans, 'llm.stream');
    expect(parentOf(stream)).toBe(idOf(operation));
    expect(outcomeOf(stream)).toBe('cancelled');
    expectStreamChildren(spans, stream, 3);
    expect(tracing.reports).toEqual([]);
    expect(tracing.diagProblems).toEqual([]);
  });

  it("the resolver is a generator around the pipeline: yoga's return() reaches the stream after the next token", async () => {
    const { record, spans } = await runScenario(server, tracing, scenario('generator'));
    expect(record.closedWith?.outcome).toBe('cancelled');
    expect(record.closedAt! - record.disconnectedAt!).toBeLessThan(CLOSE_BOUND_MS);
    expect(record.resolverFinally).toBe(true);
    expect(record.upstreamFinally).toBe(true);
    expect(tracing.openSpans()).toEqual([]);
    const stream = only(spans, 'llm.stream');
    expect(parentOf(stream)).toBe(idOf(only(spans, 'subscription tokens')));
    expect(outcomeOf(stream)).toBe('cancelled');
    expectStreamChildren(spans, stream, 3);
    expect(tracing.reports).toEqual([]);
  });

  it('the resolver generator hangs and is dropped: the safety net ends the stream span and closes the model (C7); the resolver finally never runs', async () => {
    const { record, spans } = await runScenario(server, tracing, scenario('generator-dropped'));
    // What iterscope guarantees: its own stages were found abandoned once unreachable.
    const stream = only(spans, 'llm.stream');
    expect(outcomeOf(stream)).toBe('abandoned');
    expect(record.closedWith?.outcome).toBe('abandoned');
    expectStreamChildren(spans, stream, 3);
    expect(tracing.reports.filter((r) => r.type === 'abandoned').length).toBeGreaterThanOrEqual(1);
    // The model was idle at a yield, so the safety net's return() ran its finally.
    expect(record.upstreamFinally).toBe(true);
    // What it cannot: the resolver is a plain generator; its finally (and the span it
    // would end there) is lost with it.
    expect(record.resolverFinally).toBe(false);
    expect(tracing.openSpans()).toEqual(['subscription tokens']);
  });

  it('the model stalls, the request signal is passed: aborted at once (C3), the resolver finally runs, the parked model is reported (C2)', async () => {
    const { record, spans } = await runScenario(server, tracing, scenario('generator-signal'));
    expect(record.closedWith?.outcome).toBe('aborted');
    expect(record.closedAt! - record.disconnectedAt!).toBeLessThan(CLOSE_BOUND_MS);
    expect(record.resolverFinally).toBe(true);
    const operation = only(spans, 'subscription tokens');
    const stream = only(spans, 'llm.stream');
    expect(parentOf(stream)).toBe(idOf(operation));
    expect(outcomeOf(stream)).toBe('aborted');
    expectStreamChildren(spans, stream, 3);
    expect(tracing.openSpans()).toEqual([]);
    // The model is an async generator parked on an await: nothing can run its finally.
    expect(record.upstreamFinally).toBe(false);
    expect(tracing.reports.map((r) => `${r.type} ${r.stage}`)).toEqual(['straggler traced']);
  });

  it('the model stalls, the resolver is a scoped generator: the stream closes first (C4), cancelled; the model and resolver finally run; nothing reported', async () => {
    const { record, spans } = await runScenario(server, tracing, scenario('scoped-generator'));
    expect(record.closedWith?.outcome).toBe('cancelled');
    expect(record.closedAt! - record.disconnectedAt!).toBeLessThan(CLOSE_BOUND_MS);
    expect(record.upstreamFinally).toBe(true);
    expect(record.resolverFinally).toBe(true);
    const operation = only(spans, 'subscription tokens');
    const stream = only(spans, 'llm.stream');
    expect(parentOf(stream)).toBe(idOf(operation));
    expect(outcomeOf(stream)).toBe('cancelled');
    // C4: the stream span ended before the resolver's finally ended the operation span.
    expect(endOrder(spans, stream)).toBeLessThan(endOrder(spans, operation));
    expectStreamChildren(spans, stream, 3);
    expect(tracing.openSpans()).toEqual([]);
    expect(tracing.reports).toEqual([]);
  });

  // Last: what is left parked here stays parked for the rest of the file.
  it("the model stalls, no signal: yoga's return() is queued behind the resolver generator, nothing reaches the stream", async () => {
    const { record, spans } = await runScenario(server, tracing, scenario('generator-stuck'));
    expect(record.disconnectedAt).toBeDefined();
    expect(record.resolverFinally).toBe(false);
    expect(record.upstreamFinally).toBe(false);
    expect(record.closedWith?.outcome === 'cancelled' || record.closedWith?.outcome === 'aborted').toBe(false);
    expect(named(spans, 'subscription tokens')).toEqual([]);
    expect(tracing.openSpans()).toContain('subscription tokens');
  });

  it('npm run example:graphql: runs, prints each scenario and its span tree, stops by itself', async () => {
    const stdout = await runExample('examples/graphql/main.ts');
    const sections = stdout.split('\n\n');
    const section = (mode: string, title: string): string => sections.find((s) => s.startsWith(`## ${title} (${mode})`)) ?? '';
    expect(section('PIPELINE', scenario('pipeline').title)).toMatch(/pipeline closed .* \(cancelled\)[\s\S]*^└─ llm\.stream outcome=cancelled/m);
    expect(section('GENERATOR', scenario('generator').title)).toMatch(/resolver finally ran: yes[\s\S]*^└─ llm\.stream outcome=cancelled/m);
    expect(section('GENERATOR', scenario('generator-dropped').title)).toMatch(/\(abandoned\); model finally ran: yes; resolver finally ran: no[\s\S]*^llm\.stream outcome=abandoned/m);
    expect(section('GENERATOR_WITH_SIGNAL', scenario('generator-signal').title)).toMatch(/\(aborted\); model finally ran: no; resolver finally ran: yes[\s\S]*straggler \(traced\)/);
    expect(section('SCOPED_GENERATOR', scenario('scoped-generator').title)).toMatch(/\(cancelled\); model finally ran: yes; resolver finally ran: yes\nreports: none; spans still open: none[\s\S]*^└─ llm\.stream outcome=cancelled/m);
    expect(section('GENERATOR', scenario('generator-stuck').title)).toMatch(/pipeline never closed[\s\S]*no span of this subscription ended/);
  }, 30_000);
});
