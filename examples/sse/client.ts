/** A real HTTP client: reads a few server-sent events with `fetch`, then aborts. */

export interface ReadResult {
  readonly tokens: string[];
  /** When the client aborted the request. */
  readonly abortedAt: number;
}

/** Read `count` `token` events from `url`, then abort the request (the client leaves). */
export async function readTokensThenLeave(url: string, count: number): Promise<ReadResult> {
  const controller = new AbortController();
  const response = await fetch(url, { signal: controller.signal, headers: { accept: 'text/event-stream' } });
  if (!response.ok || response.body === null) throw new Error(`unexpected response: ${String(response.status)}`);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  const tokens: string[] = [];
  let buffer = '';
  try {
    while (tokens.length < count) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value;
      for (let end = buffer.indexOf('\n\n'); end !== -1; end = buffer.indexOf('\n\n')) {
        const event = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = /^data: (.*)$/m.exec(event)?.[1];
        if (event.startsWith('event: token') && data !== undefined) tokens.push((JSON.parse(data) as { token: string }).token);
      }
    }
  } finally {
    controller.abort();
  }
  const abortedAt = performance.now();
  // The read side is already errored by the abort; nothing more will come.
  await reader.cancel().catch(() => undefined);
  return { tokens, abortedAt };
}
