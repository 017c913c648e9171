/**
 * The guide's three worked operators (docs/writing-operators.md) under iterscope/testing,
 * strict: each as the stage under test, and each as a stage kind in random pipelines with
 * iterscope's own operators and a user `async function*` stage.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { map, pipe } from 'iterscope';
import { builtinStages, checkContract, checkPipelines, stageKind, type PipelineSource } from 'iterscope/testing';
import { meter, splitLines, zipWith } from '../fixtures/user-operators.js';

const soak = Number(process.env['ITERSCOPE_PROPERTY_RUNS'] ?? 0);
const runs = soak > 0 ? Math.max(400, Math.round(soak / 4)) : 400;
const timeout = soak > 0 ? 24 * 3_600_000 : 120_000;

// The harness's sources yield numbers; splitLines reads text, so a kind turns each number
// into a chunk holding 0, 1 or 2 line ends (none: it joins the next chunk's line).
const chunks = (source: PipelineSource, variant: number): AsyncIterable<string> =>
  pipe(source as AsyncIterable<number>, map((x: number) => `${String(x)}${'\n'.repeat(variant % 3)}`));

const kinds = [
  stageKind('meter', (source, { options, cleanup }) => {
    // The instrumented cleanup records when onEnd runs: C4 checks it comes after the
    // source below finished closing, and closed-once that it runs exactly once.
    const onEnd = cleanup('meter.onEnd');
    return pipe(source as AsyncIterable<number>, meter(({ exit }) => onEnd(exit), options));
  }),
  stageKind('splitLines', (source, { variant, options }) => pipe(chunks(source, variant), splitLines(options))),
  stageKind('zipWith', (source, { options, probe, error }) => {
    let step = 0;
    return pipe(
      source as AsyncIterable<number>,
      zipWith(probe() as AsyncIterable<number>, (a: number, b: number) => {
        // A callback error now and then: C1 closes both sources, C5 delivers it.
        if (++step === 3) throw error('zipWith', step);
        return a + b;
      }, options),
    );
  }),
];

describe('the worked operators of docs/writing-operators.md keep the contract', () => {
  it('meter, as the stage under test', async () => {
    const summary = await checkContract(({ source, signal }) => pipe(source, meter(() => undefined, { signal })), { runs, strict: true });
    expect(summary.runs).toBe(runs);
    expect(summary.unchecked).toEqual([]);
  }, timeout);

  it('splitLines, as the stage under test', async () => {
    const summary = await checkContract(({ source, signal }) => pipe(chunks(source, 1), splitLines({ signal })), { runs, strict: true });
    expect(summary.runs).toBe(runs);
    expect(summary.unchecked).toEqual([]);
  }, timeout);

  it('zipWith, as the stage under test over two sources', async () => {
    const summary = await checkContract(
      ({ sources, signal }) => pipe(sources[0] ?? [], zipWith(sources[1] ?? [], (a: number, b: number) => a * b, { signal })),
      { runs, strict: true, sources: 2 },
    );
    expect(summary.runs).toBe(runs);
    expect(summary.unchecked).toEqual([]);
  }, timeout);

  it('all three in random pipelines with take, map, merge, withCleanup and a generator stage', async () => {
    const others = builtinStages().filter((k) => ['take', 'map', 'merge', 'withCleanup', 'generator'].includes(k.name));
    const summary = await checkPipelines({ builtins: false, stages: [...kinds, ...others], runs: runs * 2, strict: true });
    expect(summary.runs).toBe(runs * 2);
    expect(summary.unchecked).toEqual([]);
  }, timeout);

  it('the guide shows the operators exactly as they are checked here', () => {
    const guide = readFileSync(new URL('../../docs/writing-operators.md', import.meta.url), 'utf8');
    const fixture = readFileSync(new URL('../fixtures/user-operators.ts', import.meta.url), 'utf8');
    for (const name of ['meter', 'splitLines', 'zipWith']) {
      const start = fixture.indexOf(`export function ${name}`);
      const end = fixture.indexOf('\n}\n', start) + 2;
      expect(start).toBeGreaterThan(-1);
      expect(guide).toContain(fixture.slice(start, end));
    }
  });
});
