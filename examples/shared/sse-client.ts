/**
 * A real server-sent-events client with `fetch`: reads events until `take` has accepted
 * `count` of them, then aborts the request (the client leaves). Shared by the SSE and the
 * GraphQL-over-SSE examples.
 */

export interface LeftAfter<T> {
  readonly items: T[];
  /** When the client aborted the request. */
  readonly abortedAt: number;
}

/**
 * `take(event, data)` turns one event into an item, or returns undefined to skip it.
 */
export async function readEventsThenLeave<T>(
  url: string,
  init: RequestInit,
  count: number,
  take: (event: string, data: string) => T | undefined,
): Promise<LeftAfter<T>> {
  const controller = new AbortController();
  const response = await fetch(url, { ...init, signal: controller.signal });
  if (!response.ok || response.body === null) throw new Error(`unexpected response: ${String(response.status)}`);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  const items: T[] = [];
  let buffer = '';
  try {
    while (items.length < count) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value;
      for (let end = buffer.indexOf('\n\n'); end !== -1; end = buffer.indexOf('\n\n')) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1] ?? 'message';
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (data === undefined) continue;
        const item = take(event, data);
        if (item !== undefined) items.push(item);
      }
    }
  } finally {
    controller.abort();
  }
  const abortedAt = performance.now();
  // The read side is already errored by the abort; nothing more will come.
  await reader.cancel().catch(() => undefined);
  return { items, abortedAt };
}
