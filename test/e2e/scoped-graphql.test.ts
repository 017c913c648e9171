/**
 * The reference's subscription case end to end, over real sockets: the resolver is an
 * async generator reading a traced stream whose upstream has gone quiet (it yields again
 * only after UPSTREAM_DELAY_MS). The client unsubscribes (graphql-ws over `ws`) or drops
 * the request (graphql-yoga over SSE), and the framework calls the resolver's `return()`.
 *
 * - A plain `async function*` resolver: JavaScript queues that `return()` behind the
 *   generator's parked read, so nothing closes until the upstream yields again, and the
 *   resolver reads one more item first.
 * - The same body under `scoped`: the stream it owns is closed first, the parked read
 *   settles, the upstream stops (it was handed the scope's signal), the resolver's
 *   `finally` runs after it, and the stream span ends `cancelled`, all before the upstream
 *   would have yielded.
 *
 * Assertions are about order only ("closed before the upstream yielded"), never about
 * durations; the measured times are printed for the record.
 */
import { createServer } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { BasicTracerProvider, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { createSchema, createYoga } from 'graphql-yoga';
import { createClient } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { pipe, scoped } from 'iterscope';
import { traced } from 'iterscope/otel';
import { listenOnLoopback, type Loopback } from '../../examples/shared/loopback.js';
import { readEventsThenLeave } from '../../examples/shared/sse-client.js';
import { waitUntil } from '../../examples/shared/wait.js';

/** How long the upstream stays quiet after its first token. Short, so the plain case ends. */
const UPSTREAM_DELAY_MS = 2_000;

type Mode = 'PLAIN' | 'SCOPED';

interface Run {
  readonly mode: Mode;
  /** Client side: when it unsubscribed or dropped the request. */
  disconnectAt?: number;
  /** The upstream yielded again after its quiet spell (only a plain resolver lets it). */
  lateYieldAt?: number;
  upstreamClosedAt?: number;
  resolverFinallyAt?: number;
  spanEndedAt?: number;
  spanOutcome?: unknown;
  /** Tokens the resolver read from its stream. */
  read: number;
}

const runs = new Map<string, Run>();
const ended: { span: ReadableSpan; at: number }[] = [];
const tracer = new BasicTracerProvider({
  spanProcessors: [
    {
      onStart: () => undefined,
      onEnd: (span: ReadableSpan) => ended.push({ span, at: performance.now() }),
      forceFlush: () => Promise.resolve(),
      shutdown: () => Promise.resolve(),
    },
  ],
}).getTracer('e2e');

/** The model: one token at once, then quiet for UPSTREAM_DELAY_MS (a stalled read). */
async function* upstream(run: Run, signal?: AbortSignal): AsyncGenerator<string> {
  try {
    yield 'first';
    await sleep(UPSTREAM_DELAY_MS, undefined, { signal });
    run.lateYieldAt = performance.now();
    yield 'late';
  } finally {
    run.upstreamClosedAt = performance.now();
  }
}

/** The reference's resolver: a generator that reads our stream and yields to the framework. */
async function* plainResolver(run: Run, id: string): AsyncGenerator<string> {
  try {
    for await (const token of pipe(upstream(run), traced({ name: 'llm', tracer, attributes: { run: id } }))) {
      run.read++;
      yield token;
    }
  } finally {
    run.resolverFinallyAt = performance.now();
  }
}

/** The same body, scoped: it owns the stream it reads and hands the upstream the scope's signal. */
const scopedResolver = scoped(async function* ({ own, signal }, run: Run, id: string) {
  try {
    for await (const token of own(pipe(upstream(run, signal), traced({ name: 'llm', tracer, attributes: { run: id } })))) {
      run.read++;
      yield token;
    }
  } finally {
    run.resolverFinallyAt = performance.now();
  }
});

const schema = createSchema({
  typeDefs: /* GraphQL */ `
    enum Mode { PLAIN SCOPED }
    type Query { ready: Boolean! }
    type Subscription { tokens(mode: Mode!, id: String!): String! }
  `,
  resolvers: {
    Query: { ready: () => true },
    Subscription: {
      tokens: {
        subscribe: (_: unknown, { mode, id }: { mode: Mode; id: string }) => {
          const run: Run = { mode, read: 0 };
          runs.set(id, run);
          return mode === 'PLAIN' ? plainResolver(run, id) : scopedResolver(run, id);
        },
        resolve: (token: string) => token,
      },
    },
  },
});

const QUERY = 'subscription ($mode: Mode!, $id: String!) { tokens(mode: $mode, id: $id) }';
let nextId = 0;

/** Wait for the resolver's finally, then fill in the span's end from the processor. */
async function settled(id: string): Promise<Run> {
  const run = runs.get(id)!;
  await waitUntil(`the ${run.mode} resolver's finally ran`, () => run.resolverFinallyAt !== undefined, UPSTREAM_DELAY_MS + 5_000);
  await waitUntil('the stream span ended', () => ended.some((e) => e.span.attributes['run'] === id));
  const span = ended.find((e) => e.span.attributes['run'] === id)!;
  run.spanEndedAt = span.at;
  run.spanOutcome = span.span.attributes['iterscope.outcome'];
  return run;
}

const ms = (from: number | undefined, to: number | undefined): string =>
  from === undefined || to === undefined ? 'never' : `${(to - from).toFixed(1)} ms`;

function print(framework: string, run: Run): void {
  console.log(
    `${framework}, ${run.mode.toLowerCase()} generator resolver: disconnect -> upstream closed ${ms(run.disconnectAt, run.upstreamClosedAt)}, ` +
      `span ended ${ms(run.disconnectAt, run.spanEndedAt)} (${String(run.spanOutcome)}), resolver finally ${ms(run.disconnectAt, run.resolverFinallyAt)}`,
  );
}

function expectPlain(run: Run): void {
  // return() waited behind the parked read: nothing closed until the upstream yielded,
  // and the resolver read the late token first.
  expect(run.lateYieldAt).toBeDefined();
  expect(run.lateYieldAt!).toBeLessThan(run.upstreamClosedAt!);
  expect(run.lateYieldAt!).toBeLessThan(run.resolverFinallyAt!);
  expect(run.read).toBe(2);
}

function expectScoped(run: Run): void {
  // Closed before the upstream yielded again: it never did.
  expect(run.lateYieldAt).toBeUndefined();
  expect(run.read).toBe(1);
  // C4: the owned stream (upstream, then its span) closed before the resolver's finally.
  expect(run.disconnectAt!).toBeLessThan(run.upstreamClosedAt!);
  expect(run.upstreamClosedAt!).toBeLessThanOrEqual(run.spanEndedAt!);
  expect(run.spanEndedAt!).toBeLessThanOrEqual(run.resolverFinallyAt!);
  expect(run.spanOutcome).toBe('cancelled');
}

describe('graphql-ws over ws: the client unsubscribes from a generator resolver', () => {
  let loopback: Loopback;
  let wsServer: WebSocketServer;
  let dispose: () => Promise<void>;
  beforeAll(async () => {
    const http = createServer();
    wsServer = new WebSocketServer({ server: http, path: '/graphql' });
    const server = useServer({ schema }, wsServer);
    dispose = async () => {
      await server.dispose();
    };
    loopback = await listenOnLoopback(http);
  });
  afterAll(async () => {
    await dispose();
    wsServer.close();
    await loopback.close();
  });

  async function subscribeThenUnsubscribe(mode: Mode): Promise<Run> {
    const id = `ws-${String(nextId++)}`;
    const client = createClient({ url: `${loopback.origin.replace('http', 'ws')}/graphql`, webSocketImpl: WebSocket, retryAttempts: 0 });
    try {
      await new Promise<void>((resolve, reject) => {
        const unsubscribe = client.subscribe(
          { query: QUERY, variables: { mode, id } },
          {
            next: () => {
              runs.get(id)!.disconnectAt = performance.now();
              unsubscribe();
              resolve();
            },
            error: reject,
            complete: () => undefined,
          },
        );
      });
      return await settled(id);
    } finally {
      await client.dispose();
    }
  }

  it('plain generator: nothing closes until the upstream yields again', async () => {
    const run = await subscribeThenUnsubscribe('PLAIN');
    print('graphql-ws', run);
    expectPlain(run);
  }, 20_000);

  it('scoped generator: upstream, span and finally close before the upstream would yield', async () => {
    const run = await subscribeThenUnsubscribe('SCOPED');
    print('graphql-ws', run);
    expectScoped(run);
  }, 20_000);
});

describe('graphql-yoga over SSE: the client drops the request of a generator resolver', () => {
  let loopback: Loopback;
  beforeAll(async () => {
    const yoga = createYoga({ schema, logging: false, graphiql: false });
    // eslint-disable-next-line @typescript-eslint/no-misused-promises -- yoga's node handler returns a promise node:http ignores
    loopback = await listenOnLoopback(createServer(yoga));
  });
  afterAll(async () => {
    await loopback.close();
  });

  async function subscribeThenLeave(mode: Mode): Promise<Run> {
    const id = `sse-${String(nextId++)}`;
    const init: RequestInit = {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ query: QUERY, variables: { mode, id } }),
    };
    const { abortedAt } = await readEventsThenLeave(`${loopback.origin}/graphql`, init, 1, (event, data) =>
      event === 'next' ? data : undefined,
    );
    runs.get(id)!.disconnectAt = abortedAt;
    return settled(id);
  }

  it('plain generator: nothing closes until the upstream yields again', async () => {
    const run = await subscribeThenLeave('PLAIN');
    print('graphql-yoga', run);
    expectPlain(run);
  }, 20_000);

  it('scoped generator: upstream, span and finally close before the upstream would yield', async () => {
    const run = await subscribeThenLeave('SCOPED');
    print('graphql-yoga', run);
    expectScoped(run);
  }, 20_000);
});
