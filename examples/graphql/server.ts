/**
 * A GraphQL subscription served by graphql-yoga over SSE, its resolver streaming a
 * simulated model's tokens through an iterscope pipeline. Three ways to write the
 * resolver, because which one you pick decides what can be guaranteed when a client
 * leaves (see README.md):
 *
 * - `PIPELINE`: the resolver returns the iterscope pipeline itself. Yoga calls its
 *   `return()` on disconnect; C2 settles and closes at once.
 * - `GENERATOR`: the resolver is an `async function*` wrapping the pipeline (the shape of
 *   the Python reference's subscription handler). Yoga calls the generator's `return()`,
 *   which JavaScript queues behind the generator's pending `await`.
 * - `GENERATOR_WITH_SIGNAL`: the same generator, with the request's abort signal handed to
 *   the pipeline: the disconnect rejects the pending read, so the generator moves on.
 * - `SCOPED_GENERATOR`: the same generator body under `scoped`: it owns the pipeline, so
 *   yoga's return() closes the pipeline first, the parked read ends, and the generator's
 *   finally runs; the model gets the scope's signal and stops too.
 */
import { createServer } from 'node:http';
import { context, trace, type Span, type Tracer } from '@opentelemetry/api';
import { createSchema, createYoga, type YogaInitialContext } from 'graphql-yoga';
import { abortable, pipe, scoped, withCleanup, type Exit } from 'iterscope';
import { mapTraced, traced, type ItemScope } from 'iterscope/otel';
import { sleep } from '../shared/wait.js';
import { listenOnLoopback } from '../shared/loopback.js';

export type ResolverMode = 'PIPELINE' | 'GENERATOR' | 'GENERATOR_WITH_SIGNAL' | 'SCOPED_GENERATOR';

/** What the server saw of one subscription. */
export interface SubscriptionRecord {
  /** Also the `subscription.id` attribute of its operation and stream spans. */
  readonly id: number;
  readonly mode: ResolverMode;
  /** When the request's signal fired: yoga saw the client leave. */
  disconnectedAt?: number;
  /** When the pipeline's outer stage finished closing, and how it ended. */
  closedAt?: number;
  closedWith?: Exit;
  /** The upstream generator's `finally` ran. */
  upstreamFinally: boolean;
  /** The resolver generator's `finally` ran (generator modes). */
  resolverFinally: boolean;
  /** Tokens the resolver handed to yoga. */
  sent: number;
}

export interface GraphqlServer {
  readonly url: string;
  readonly subscriptions: SubscriptionRecord[];
  close(): Promise<void>;
}

export interface GraphqlServerOptions {
  readonly tracer: Tracer;
  readonly tokenLatencyMs?: number;
  readonly toolLatencyMs?: number;
  /** How long a pipeline waits for a source that will not close (C2), in ms. */
  readonly closeTimeout?: number;
}

interface Settings extends Required<GraphqlServerOptions> {
  readonly subscriptions: SubscriptionRecord[];
}

const WORDS = ['Sub', 'scriptions', ' end', ' when', ' their', ' clients', ' leave', '.'];

/** A read that never answers; with a signal, it rejects with the signal's reason when it aborts. */
function stalledRead(signal: AbortSignal | undefined): Promise<never> {
  return new Promise<never>((_, reject) => {
    signal?.addEventListener('abort', () => {
      reject(signal.reason as Error);
    }, { once: true });
  });
}

/**
 * The simulated model. With `stallAfter`, it stops producing after that many tokens and
 * waits on something that never happens, and that nothing else refers to (a dropped
 * connection whose handle is gone): a plain generator parked there can never be closed.
 * With a `signal`, the stalled read ends when it aborts, as a `fetch` would.
 */
async function* completion(tracer: Tracer, record: SubscriptionRecord, latencyMs: number, stallAfter: number | null | undefined, signal?: AbortSignal): AsyncGenerator<string> {
  try {
    await sleep(latencyMs);
    tracer.startSpan('llm.connect').end();
    for (let i = 0; i < 1_000; i++) {
      if (stallAfter != null && i >= stallAfter) await stalledRead(signal);
      await sleep(latencyMs);
      yield WORDS[i % WORDS.length]!;
    }
  } finally {
    record.upstreamFinally = true;
  }
}

interface Token {
  readonly text: string;
  readonly index: number;
}

async function lookUp(text: string, { span, signal, index }: ItemScope, latencyMs: number): Promise<Token> {
  span.setAttribute('tool.input', text);
  await sleep(latencyMs, signal);
  return { text, index };
}

function tokenStream(settings: Settings, record: SubscriptionRecord, operation: Span, stallAfter: number | null | undefined, signal?: AbortSignal): AsyncIterableIterator<Token> {
  const { tracer } = settings;
  const parent = trace.setSpan(context.active(), operation);
  return pipe(
    completion(tracer, record, settings.tokenLatencyMs, stallAfter, signal),
    traced({ name: 'llm.stream', context: parent, closeTimeout: settings.closeTimeout, attributes: { 'subscription.id': record.id } }),
    mapTraced((text: string, scope) => lookUp(text, scope, settings.toolLatencyMs), { name: 'tool.call' }),
    // C4: runs after everything below finished closing (or, C7, when the safety net finds
    // the pipeline abandoned).
    withCleanup((exit: Exit) => {
      record.closedAt = performance.now();
      record.closedWith = exit;
    }),
  );
}

/**
 * The Python reference's shape: the subscription handler is itself a generator that
 * iterates our stream and yields to the framework. `for await` closes the stream when this
 * generator is closed... if this generator ever gets to run again.
 */
async function* resolverGenerator(stream: AsyncIterable<Token>, record: SubscriptionRecord, operation: Span, stallAfter: number | null | undefined): AsyncGenerator<Token> {
  try {
    for await (const token of stream) {
      record.sent++;
      yield token;
      // The resolver's own work hangs (an audit write to a store that stopped answering):
      // the stream itself sits idle between two reads.
      if (stallAfter != null && record.sent >= stallAfter) await new Promise<never>(() => undefined);
    }
  } finally {
    record.resolverFinally = true;
    operation.end();
  }
}

/**
 * The same resolver body under `scoped`: it owns the stream it reads, so closing the
 * resolver closes the stream first (C4); the read it is parked on ends at once, and the
 * model, handed the scope's signal, stops as well. Then the finally runs.
 */
const scopedResolver = scoped(async function* ({ own, signal }, settings: Settings, record: SubscriptionRecord, operation: Span, stallAfter: number | null | undefined) {
  try {
    for await (const token of own(tokenStream(settings, record, operation, stallAfter, signal))) {
      record.sent++;
      yield token;
    }
  } finally {
    record.resolverFinally = true;
    operation.end();
  }
});

interface TokensArgs {
  readonly mode: ResolverMode;
  /** The model stops producing after this many tokens. */
  readonly stallAfter?: number | null;
  /** The resolver generator's own work hangs after handing over this many tokens. */
  readonly resolverStallAfter?: number | null;
}

function subscribe(settings: Settings, args: TokensArgs, ctx: YogaInitialContext): AsyncIterable<Token> {
  const record: SubscriptionRecord = { id: settings.subscriptions.length, mode: args.mode, upstreamFinally: false, resolverFinally: false, sent: 0 };
  settings.subscriptions.push(record);
  const requestSignal = ctx.request.signal;
  requestSignal.addEventListener('abort', () => {
    record.disconnectedAt = performance.now();
  }, { once: true });
  // Stands in for a GraphQL instrumentation's operation span.
  const operation = settings.tracer.startSpan('subscription tokens', {
    attributes: { 'graphql.operation.type': 'subscription', 'resolver.mode': args.mode, 'subscription.id': record.id },
  });
  if (args.mode === 'SCOPED_GENERATOR') return scopedResolver(settings, record, operation, args.stallAfter);
  const stream = tokenStream(settings, record, operation, args.stallAfter);
  switch (args.mode) {
    case 'PIPELINE':
      // The pipeline is what yoga iterates; the operation span ends with it.
      return pipe(
        stream,
        withCleanup(() => {
          operation.end();
        }),
      );
    case 'GENERATOR':
      return resolverGenerator(stream, record, operation, args.resolverStallAfter);
    case 'GENERATOR_WITH_SIGNAL':
      // C3: the disconnect rejects the read the generator is parked on, at once, so the
      // generator gets to run again and yoga's return() is not stuck behind it.
      return resolverGenerator(pipe(stream, abortable(requestSignal, { closeTimeout: settings.closeTimeout })), record, operation, args.resolverStallAfter);
  }
}

const typeDefs = /* GraphQL */ `
  enum ResolverMode { PIPELINE GENERATOR GENERATOR_WITH_SIGNAL SCOPED_GENERATOR }
  type Token { text: String!, index: Int! }
  type Query { ready: Boolean! }
  type Subscription { tokens(mode: ResolverMode!, stallAfter: Int, resolverStallAfter: Int): Token! }
`;

export async function startGraphqlServer(options: GraphqlServerOptions): Promise<GraphqlServer> {
  const subscriptions: SubscriptionRecord[] = [];
  const settings: Settings = { tokenLatencyMs: 15, toolLatencyMs: 5, closeTimeout: 200, ...options, subscriptions };
  const schema = createSchema<YogaInitialContext>({
    typeDefs,
    resolvers: {
      Query: { ready: () => true },
      Subscription: {
        tokens: {
          subscribe: (_: unknown, args: TokensArgs, ctx: YogaInitialContext) => subscribe(settings, args, ctx),
          resolve: (token: Token) => token,
        },
      },
    },
  });
  const yoga = createYoga({ schema, logging: false, graphiql: false });
  // eslint-disable-next-line @typescript-eslint/no-misused-promises -- yoga's node handler returns a promise node:http ignores
  const server = createServer(yoga);
  const loopback = await listenOnLoopback(server);
  return {
    url: `${loopback.origin}/graphql`,
    subscriptions,
    close: loopback.close,
  };
}
