/** A real HTTP client: reads a few server-sent events with `fetch`, then aborts. */
import { readEventsThenLeave } from '../shared/sse-client.js';

export interface ReadResult {
  readonly tokens: string[];
  /** When the client aborted the request. */
  readonly abortedAt: number;
}

/** Read `count` `token` events from `url`, then abort the request (the client leaves). */
export async function readTokensThenLeave(url: string, count: number): Promise<ReadResult> {
  const { items, abortedAt } = await readEventsThenLeave(url, { headers: { accept: 'text/event-stream' } }, count, (event, data) =>
    event === 'token' ? (JSON.parse(data) as { token: string }).token : undefined,
  );
  return { tokens: items, abortedAt };
}
