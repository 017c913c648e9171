/**
 * A real GraphQL-over-SSE client: `fetch` with `accept: text/event-stream`, as graphql-sse
 * and yoga's own client do; reads a few results, then aborts (the client leaves).
 */
import { readEventsThenLeave } from '../shared/sse-client.js';

export interface SubscribeResult {
  readonly texts: string[];
  readonly abortedAt: number;
}

export async function subscribeThenLeave(url: string, query: string, variables: Record<string, unknown>, count: number): Promise<SubscribeResult> {
  const init: RequestInit = {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
    body: JSON.stringify({ query, variables }),
  };
  const { items, abortedAt } = await readEventsThenLeave(url, init, count, (event, data) => {
    if (event !== 'next') return undefined;
    const payload = JSON.parse(data) as { data?: { tokens: { text: string } }; errors?: unknown };
    if (payload.errors !== undefined) throw new Error(`subscription failed: ${JSON.stringify(payload.errors)}`);
    return payload.data?.tokens.text;
  });
  return { texts: items, abortedAt };
}

export const TOKENS = /* GraphQL */ `
  subscription Tokens($mode: ResolverMode!, $stallAfter: Int, $resolverStallAfter: Int) {
    tokens(mode: $mode, stallAfter: $stallAfter, resolverStallAfter: $resolverStallAfter) { text index }
  }
`;
