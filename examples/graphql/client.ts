/**
 * A real GraphQL-over-SSE client: `fetch` with `accept: text/event-stream`, as graphql-sse
 * and yoga's own client do; reads a few results, then aborts (the client leaves).
 */

export interface SubscribeResult {
  readonly texts: string[];
  readonly abortedAt: number;
}

export async function subscribeThenLeave(url: string, query: string, variables: Record<string, unknown>, count: number): Promise<SubscribeResult> {
  const controller = new AbortController();
  const response = await fetch(url, {
    method: 'POST',
    signal: controller.signal,
    headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
    body: JSON.stringify({ query, variables }),
  });
  if (!response.ok || response.body === null) throw new Error(`unexpected response: ${String(response.status)}`);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  const texts: string[] = [];
  let buffer = '';
  try {
    while (texts.length < count) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value;
      for (let end = buffer.indexOf('\n\n'); end !== -1; end = buffer.indexOf('\n\n')) {
        const event = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = /^data: (.*)$/m.exec(event)?.[1];
        if (!event.startsWith('event: next') || data === undefined) continue;
        const payload = JSON.parse(data) as { data?: { tokens: { text: string } }; errors?: unknown };
        if (payload.errors !== undefined) throw new Error(`subscription failed: ${JSON.stringify(payload.errors)}`);
        if (payload.data !== undefined) texts.push(payload.data.tokens.text);
      }
    }
  } finally {
    controller.abort();
  }
  const abortedAt = performance.now();
  await reader.cancel().catch(() => undefined);
  return { texts, abortedAt };
}

export const TOKENS = /* GraphQL */ `
  subscription Tokens($mode: ResolverMode!, $stallAfter: Int, $resolverStallAfter: Int) {
    tokens(mode: $mode, stallAfter: $stallAfter, resolverStallAfter: $resolverStallAfter) { text index }
  }
`;
