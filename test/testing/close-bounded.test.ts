/**
 * close-bounded (C2): a close that waits on a source asked to close, for longer than the
 * bound, is a finding; iterscope's close deadline keeps the same close inside it.
 */
import { describe, expect, it } from 'vitest';
import { aclosing } from 'iterscope';
import { checkScenario, type Scenario, type Subject } from 'iterscope/testing';

const DONE = { done: true as const, value: undefined };
// Wide margins on both sides of the bound: a loaded machine (CI, a 2-core box running
// other work) can add a hundred milliseconds to any close; the finding and its absence
// must not depend on that.
const SLOW_CLOSE_MS = 1_000;
const BOUND_MS = 400;

/** Like a combinator that, asked to close, waits for a slow timer of its own before it answers. */
function slowToClose(source: unknown): AsyncIterator<number> {
  const it = (source as AsyncIterable<number>)[Symbol.asyncIterator]();
  return {
    next: () => it.next(),
    return: async () => {
      await new Promise((resolve) => setTimeout(resolve, SLOW_CLOSE_MS));
      await it.return?.();
      return DONE;
    },
  };
}

const readThenClose: Scenario = { sources: [{ kind: 'async', items: 3 }], stages: [], consumer: { steps: [{ op: 'next' }], end: 'return' }, seed: 1 };

describe('close-bounded', () => {
  it('a return() that waits on a slow close past the bound is a finding', async () => {
    const subject: Subject = ({ source }) => slowToClose(source);
    const violations = await checkScenario(subject, readThenClose, { invariants: ['close-bounded'], closeBound: BOUND_MS });
    expect(violations.map((v) => v.message)).toEqual([expect.stringMatching(/return\(\) .* took \d+ ms to settle \(bound 400 ms\)/)]);
  });

  it("iterscope's close deadline keeps the same close within the bound", async () => {
    const subject: Subject = ({ source, signal }) => aclosing(slowToClose(source), { signal, closeTimeout: 20 });
    expect(await checkScenario(subject, readThenClose, { invariants: ['close-bounded'], closeBound: BOUND_MS })).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, SLOW_CLOSE_MS + 50)); // the straggler finishes in the background
  });
});
