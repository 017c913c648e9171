/**
 * A Node `Readable` in the middle of a pipeline keeps the contract: a source read through
 * `toNodeReadable` and back through `fromNodeReadable`, under generated scenarios.
 *
 * The stage kind lives here, not in `iterscope/testing`: the harness runs in browsers too,
 * and `iterscope/node` imports `node:stream`. Both sides take the scenario's signal: an
 * abort's reason does not cross a Node stream (`destroy()` of a stream that is read on has
 * no reason to pass on), so a pipeline that crosses one hands its signal to both sides.
 */
import { describe, expect, it } from 'vitest';
import { fromNodeReadable } from 'iterscope';
import { toNodeReadable } from 'iterscope/node';
import { builtinStages, checkContract, checkPipelines, stageKind, type PipelineSource } from 'iterscope/testing';

const soak = Number(process.env['ITERSCOPE_PROPERTY_RUNS'] ?? 0);
const runs = soak > 0 ? Math.max(500, Math.round(soak / 4)) : 500;
const timeout = soak > 0 ? 24 * 3_600_000 : 120_000;

const roundTrip = (source: PipelineSource, signal: AbortSignal, highWaterMark: number): AsyncIterator<unknown> =>
  fromNodeReadable(toNodeReadable(source as AsyncIterable<unknown>, { signal, highWaterMark }), { signal });

describe('toNodeReadable read back with fromNodeReadable keeps the contract', () => {
  it('as the stage under test', async () => {
    const summary = await checkContract(({ source, signal }) => roundTrip(source, signal, 1), { runs });
    expect(summary.runs).toBe(runs);
    expect(summary.unchecked).toEqual([]);
  }, timeout);

  it('in random pipelines with take, map, merge, flatMap and withCleanup', async () => {
    // highWaterMark 0, 1 or 2: how far the stream reads ahead of the stage reading it.
    const kind = stageKind('toNodeReadable', (source, { signal, variant }) => roundTrip(source, signal, variant % 3));
    const others = builtinStages().filter((k) => ['take', 'map', 'merge', 'flatMap', 'withCleanup'].includes(k.name));
    const summary = await checkPipelines({ builtins: false, stages: [kind, ...others], runs });
    expect(summary.runs).toBe(runs);
    expect(summary.unchecked).toEqual([]);
  }, timeout);
});
