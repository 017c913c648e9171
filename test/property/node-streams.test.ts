/**
 * A Node `Readable` in the middle of a pipeline keeps the contract: a source read through
 * `toNodeReadable` and back through `fromNodeReadable`, under generated scenarios.
 *
 * The stage kind lives here, not in `iterscope/testing`: the harness runs in browsers too,
 * and `iterscope/node` imports `node:stream`. Both sides take the scenario's abort: an
 * abort's reason does not cross a Node stream (`destroy()` of a stream that is read on has
 * no reason to pass on), so a pipeline that crosses one hands its signal to both sides
 * (each hop through a signal of its own, see `hopSignal`).
 */
import { describe, expect, it } from 'vitest';
import { fromNodeReadable } from 'iterscope';
import { toNodeReadable } from 'iterscope/node';
import { builtinStages, checkContract, checkPipelines, stageKind, type PipelineSource } from 'iterscope/testing';

const soak = Number(process.env['ITERSCOPE_PROPERTY_RUNS'] ?? 0);
const runs = soak > 0 ? Math.max(500, Math.round(soak / 4)) : 500;
const timeout = soak > 0 ? 24 * 3_600_000 : 120_000;

/** Per scenario signal, the signals of the hops built on it, in the order they were built. */
const hopsOf = new WeakMap<AbortSignal, AbortController[]>();

/**
 * A hop's own signal, aborted with the scenario's reason. Every hop of a pipeline gets the
 * scenario's one signal, and both sides of a hop listen to theirs: two listeners per hop on
 * one signal passed Node's limit of ten (MaxListenersExceededWarning) in deep pipelines.
 * One listener per scenario signal aborts every hop instead, at the place of the first:
 * before any stage built around the hops, so each hop's reading side hears the abort
 * before a close comes down through the stream, which carries no reason (`destroy()`).
 * (`AbortSignal.any` adds no listener either, but its signals abort only after every
 * listener of the scenario's, too late for that.)
 */
function hopSignal(signal: AbortSignal): AbortSignal {
  let hops = hopsOf.get(signal);
  if (hops === undefined) {
    const built: AbortController[] = [];
    hops = built;
    hopsOf.set(signal, built);
    signal.addEventListener('abort', () => {
      for (const hop of built) hop.abort(signal.reason);
    }, { once: true });
  }
  const hop = new AbortController();
  if (signal.aborted) hop.abort(signal.reason);
  hops.push(hop);
  return hop.signal;
}

/** One hop through a Node stream: both sides take the hop's signal (see the top of the file). */
function roundTrip(source: PipelineSource, signal: AbortSignal, highWaterMark: number): AsyncIterator<unknown> {
  const hop = hopSignal(signal);
  return fromNodeReadable(toNodeReadable(source as AsyncIterable<unknown>, { signal: hop, highWaterMark }), { signal: hop });
}

// highWaterMark 0, 1 or 2: how far the stream reads ahead of the stage reading it.
const nodeHop = stageKind('toNodeReadable', (source, { signal, variant }) => roundTrip(source, signal, variant % 3));

/** Every `MaxListenersExceededWarning` the process emits while `run` runs (and a turn after). */
async function listenerWarnings(run: () => Promise<unknown>): Promise<string[]> {
  const warnings: string[] = [];
  const onWarning = (warning: Error): void => {
    if (warning.name === 'MaxListenersExceededWarning') warnings.push(warning.message);
  };
  process.on('warning', onWarning);
  try {
    await run();
    // process.emitWarning emits on a later tick.
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    process.off('warning', onWarning);
  }
  return warnings;
}

describe('toNodeReadable read back with fromNodeReadable keeps the contract', () => {
  it('as the stage under test', async () => {
    const summary = await checkContract(({ source, signal }) => roundTrip(source, signal, 1), { runs });
    expect(summary.runs).toBe(runs);
    expect(summary.unchecked).toEqual([]);
  }, timeout);

  it('in random pipelines with take, map, merge, flatMap and withCleanup', async () => {
    const others = builtinStages().filter((k) => ['take', 'map', 'merge', 'flatMap', 'withCleanup'].includes(k.name));
    const summary = await checkPipelines({ builtins: false, stages: [nodeHop, ...others], runs });
    expect(summary.runs).toBe(runs);
    expect(summary.unchecked).toEqual([]);
  }, timeout);

  it('eight hops deep, the scenario signal stays under the listener limit', async () => {
    const warnings = await listenerWarnings(() => checkPipelines({ builtins: false, stages: [nodeHop], depth: { min: 8, max: 8 }, runs: 30, seed: 1 }));
    expect(warnings).toEqual([]);
  }, 60_000);
});
