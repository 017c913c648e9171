/**
 * One run of the process-hop example: start the model service and the gateway as
 * processes of their own on loopback ports, read a few server-sent events from the gateway
 * as the client, then disconnect; wait until both processes have exported their spans, stop
 * them, and return every span of the trace (the client's and both processes').
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { propagation, ROOT_CONTEXT, SpanKind, trace, type Tracer } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { waitUntil } from '../shared/wait.js';
import { readSpans } from './telemetry.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

interface Service {
  readonly port: number;
  stop(): Promise<void>;
}

/** Start `file` with tsx; it prints `{"port": n}` once it listens on 127.0.0.1. */
function startService(file: string, env: Record<string, string>): Promise<Service> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', join('examples/process-hop', file)], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => { resolve(); }));
  return new Promise((resolve, reject) => {
    let out = '';
    child.once('exit', (code) => { reject(new Error(`${file} exited (${String(code)}) before listening`)); });
    child.stdout?.on('data', (data: Buffer) => {
      out += data.toString();
      const line = out.split('\n')[0];
      if (!out.includes('\n') || line === undefined) return;
      const { port } = JSON.parse(line) as { port: number };
      resolve({
        port,
        stop: async () => {
          child.kill('SIGTERM');
          await exited;
        },
      });
    });
  });
}

/** Read `count` server-sent events, then disconnect. Resolves to their data. */
function readThenDisconnect(url: string, headers: Record<string, string>, count: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const events: string[] = [];
    let buffer = '';
    const request = get(url, { headers }, (response) => {
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) !== -1 && events.length < count) {
          events.push(JSON.parse(buffer.slice(0, end).replace(/^data: /, '')) as string);
          buffer = buffer.slice(end + 2);
        }
        if (events.length === count) {
          request.destroy();
          resolve(events);
        }
      });
      response.on('error', () => undefined); // the disconnect we caused
    });
    request.on('error', (error) => {
      if (events.length < count) reject(error);
    });
  });
}

export interface HopResult {
  /** Every span of the client's trace, from the three processes. */
  readonly spans: ReadableSpan[];
  readonly events: string[];
  readonly traceId: string;
}

const NAMES = ['client.chat', 'gateway.chat', 'gateway.upstream', 'model.generate', 'model.tokens', 'model.finally'];

/**
 * `clientTracer` and `clientSpans` are the calling process's own tracing (installed once
 * per process with `startTelemetry`).
 */
export async function runProcessHop(clientTracer: Tracer, clientSpansFile: string): Promise<HopResult> {
  const dir = mkdtempSync(join(tmpdir(), 'iterscope-hop-'));
  const files = { model: join(dir, 'model-service.jsonl'), gateway: join(dir, 'gateway.jsonl') };
  const services: Service[] = [];
  try {
    const model = await startService('model-service.ts', { SPANS_FILE: files.model });
    services.push(model);
    const gateway = await startService('gateway.ts', {
      SPANS_FILE: files.gateway,
      MODEL_URL: `http://127.0.0.1:${String(model.port)}/generate`,
    });
    services.push(gateway);

    const span = clientTracer.startSpan('client.chat', { kind: SpanKind.CLIENT });
    const headers: Record<string, string> = {};
    propagation.inject(trace.setSpan(ROOT_CONTEXT, span), headers);
    const events = await readThenDisconnect(`http://127.0.0.1:${String(gateway.port)}/chat`, headers, 3);
    span.setAttribute('client.events', events.length);
    span.end();
    const traceId = span.spanContext().traceId;

    let spans: ReadableSpan[] = [];
    await waitUntil(
      'the gateway and the model service exported their spans',
      () => {
        spans = readSpans([clientSpansFile, files.gateway, files.model]).filter((s) => s.spanContext().traceId === traceId);
        return NAMES.every((name) => spans.some((s) => s.name === name));
      },
      10_000,
    );
    return { spans, events, traceId };
  } finally {
    await Promise.all(services.map((s) => s.stop()));
    rmSync(dir, { recursive: true, force: true });
  }
}
