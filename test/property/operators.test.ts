/**
 * The operators added to the built-in kinds (startWith, endWith, dropWhile, distinct, ...),
 * generated on their own so that each appears in many pipelines, mixed with take (early
 * stops) and map (callback errors).
 */
import { describe, expect, it } from 'vitest';
import { checkPipelines, builtinStages } from 'iterscope/testing';
import { operatorStages } from '../../src/testing/operator-stage-kinds.js';
import { knownCoreGaps } from './known-core-gaps.js';

const soak = Number(process.env['ITERSCOPE_PROPERTY_RUNS'] ?? 0);
const runs = soak > 0 ? Math.max(600, Math.round(soak / 4)) : 600;

describe('the newer operators keep the contract under generated scenarios', () => {
  it('random pipelines of them, with take and map', async () => {
    const some = builtinStages().filter((kind) => kind.name === 'take' || kind.name === 'map');
    const summary = await checkPipelines({ builtins: false, stages: [...operatorStages(), ...some], runs, knownIssues: knownCoreGaps });
    expect(summary.runs).toBe(runs);
    expect(summary.unchecked).toEqual([]);
  }, soak > 0 ? 24 * 3_600_000 : 120_000);

  it('every one of them is a built-in kind', () => {
    const names = builtinStages().map((kind) => kind.name);
    for (const kind of operatorStages()) expect(names).toContain(kind.name);
  });
});
