/**
 * The property suite: generated pipelines of iterscope's operators (and user
 * `async function*` stages) against every invariant of the harness. At least 2,000
 * scenarios per CI run; `ITERSCOPE_PROPERTY_RUNS` raises the count for a soak run. The
 * checks are strict (iterscope-level); the gaps in known-core-gaps.ts are excused by name.
 */
import { describe, expect, it } from 'vitest';
import { checkContract, checkPipelines } from 'iterscope/testing';
import { aclosing, pipe, map, take, withCleanup } from 'iterscope';
import { corpus } from './corpus.js';
import { knownCoreGaps } from './known-core-gaps.js';

const soak = Number(process.env['ITERSCOPE_PROPERTY_RUNS'] ?? 0);
const runs = (ci: number): number => (soak > 0 ? Math.max(ci, Math.round(soak * (ci / 2_400))) : ci);
const timeout = soak > 0 ? 24 * 3_600_000 : 120_000;

describe('iterscope keeps the contract under generated scenarios', () => {
  it('random pipelines of 1 to 8 stages', async () => {
    // Every built-in stage kind; the corpus first, every time.
    const summary = await checkPipelines({ runs: runs(1_600), strict: true, knownIssues: knownCoreGaps, examples: corpus });
    expect(summary.runs).toBe(runs(1_600));
    expect(summary.unchecked).toEqual([]); // --expose-gc is on: abandonment is checked
  }, timeout);

  it('aclosing over every kind of source, with two sources for the multi-source stages', async () => {
    const summary = await checkContract(({ source, signal }) => aclosing(source, { signal }), { runs: runs(400), strict: true, knownIssues: knownCoreGaps });
    expect(summary.runs).toBe(runs(400));
  }, timeout);

  it('a fixed chain: map -> withCleanup -> take, at its boundary', async () => {
    const summary = await checkContract(
      ({ source, signal }) =>
        pipe(source, map((x: number) => x + 1), withCleanup(() => undefined), take(2, { signal })),
      { runs: runs(400), strict: true, knownIssues: knownCoreGaps },
    );
    expect(summary.runs).toBe(runs(400));
  }, timeout);
});
