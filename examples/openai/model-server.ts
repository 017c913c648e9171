/**
 * A loopback stand-in for a model provider: `POST /v1/chat/completions` with
 * `stream: true` answers with the streaming chat-completions protocol (server-sent events
 * carrying `chat.completion.chunk` objects, then `data: [DONE]`). It records whether the
 * client hung up before the answer was complete: that is the HTTP request being aborted.
 */
import { createServer, type IncomingMessage } from 'node:http';
import { sleep } from '../shared/wait.js';
import { listenOnLoopback } from '../shared/loopback.js';

export interface CompletionRecord {
  /** Chunks written before the client left or the answer ended. */
  sent: number;
  /** The answer was written completely, `[DONE]` included. */
  completed: boolean;
  /** When the connection closed before the answer was complete. */
  disconnectedAt?: number;
}

export interface ModelServer {
  /** The `baseURL` to give the OpenAI client. */
  readonly baseURL: string;
  readonly requests: CompletionRecord[];
  close(): Promise<void>;
}

/** The answer, one chunk per word; the verdict comes early, the rest is explanation. */
export const ANSWER = ['Verdict', ':', ' PASS', '.', ' The', ' answer', ' cites', ' its', ' sources', ',', ' stays', ' on', ' topic', ' and'];

async function readJson(req: IncomingMessage): Promise<unknown> {
  let body = '';
  for await (const part of req) body += String(part);
  return JSON.parse(body);
}

function chunk(id: string, model: string, delta: object, finish: string | null): string {
  const payload = { id, object: 'chat.completion.chunk', created: Math.floor(Date.now() / 1000), model, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] };
  return `data: ${JSON.stringify(payload)}\n\n`;
}

export async function startModelServer(options: { chunkLatencyMs?: number; chunks?: number } = {}): Promise<ModelServer> {
  const latency = options.chunkLatencyMs ?? 10;
  const chunks = options.chunks ?? 200;
  const requests: CompletionRecord[] = [];
  const server = createServer((req, res) => {
    if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"message":"not found"}}');
      return;
    }
    const record: CompletionRecord = { sent: 0, completed: false };
    requests.push(record);
    res.on('close', () => {
      if (!res.writableFinished) record.disconnectedAt = performance.now();
    });
    const gone = (): boolean => record.disconnectedAt !== undefined;
    void (async () => {
      const { model } = (await readJson(req)) as { model: string };
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      const id = `chatcmpl-${String(requests.length)}`;
      res.write(chunk(id, model, { role: 'assistant', content: '' }, null));
      for (let i = 0; i < chunks && !gone(); i++) {
        await sleep(latency);
        if (gone()) break;
        res.write(chunk(id, model, { content: ANSWER[i % ANSWER.length] }, null));
        record.sent++;
      }
      if (gone()) return;
      res.write(chunk(id, model, {}, 'stop'));
      res.end('data: [DONE]\n\n');
      record.completed = true;
    })().catch((error: unknown) => {
      res.destroy(error as Error);
    });
  });
  const loopback = await listenOnLoopback(server);
  return {
    baseURL: `${loopback.origin}/v1`,
    requests,
    close: loopback.close,
  };
}
