/**
 * `timers-cleared` (C1/C7): a stage that leaves a timer running once the scenario is over
 * is found; iterscope's timed stages leave none, on any stop.
 */
import { describe, expect, it, vi } from 'vitest';
import { aclosing, map, pipe, withCleanup, type Source } from 'iterscope';
import { builtinStages, checkPipelines, checkScenario, ContractError, stageKind, type Scenario, type StageKind } from 'iterscope/testing';

/**
 * A watchdog per item (a timer that would warn when the consumer stalls), re-armed on each
 * item and meant to be cleared when the stage stops. `clears: false` forgets that.
 */
const watchdog = (clears: boolean): StageKind =>
  stageKind('watchdog', (source, { options }) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    return pipe(
      source as Source<number>,
      map((x: number) => {
        clearTimeout(timer);
        timer = setTimeout(() => undefined, 60_000);
        return x;
      }, options),
      withCleanup(() => {
        if (clears) clearTimeout(timer);
      }, options),
    );
  });

const options = { builtins: false, runs: 100, seed: 1, invariants: ['timers-cleared' as const] };

describe('timers-cleared', () => {
  it('a stage that forgets clearTimeout is reported', async () => {
    const error = await checkPipelines({ ...options, stages: [watchdog(false)] }).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(ContractError);
    expect((error as ContractError).violations).toEqual([
      { invariant: 'timers-cleared', message: '1 timer(s) (setTimeout/setInterval) still running after the scenario ended and everything had closed' },
    ]);
  });

  it('the same stage clearing it passes', async () => {
    expect((await checkPipelines({ ...options, stages: [watchdog(true)] })).unchecked).toEqual([]);
  });

  it("iterscope's timed stages (timeout, debounce, batchTime) leave none, abandoned ones included", async () => {
    const timed = builtinStages().filter((kind) => ['timeout', 'debounce', 'batchTime'].includes(kind.name));
    expect(timed).toHaveLength(3);
    // With `abandonment`, dropped streams are collected, so their timers are judged too.
    const summary = await checkPipelines({ ...options, stages: timed, runs: 300, depth: { min: 1, max: 3 }, invariants: ['timers-cleared', 'abandonment'] });
    expect(summary.unchecked).toEqual([]);
  }, 60_000);

  it('where timers cannot be counted (no node:async_hooks, as in a browser) it is listed as unchecked, not passed', async () => {
    const getBuiltinModule = process.getBuiltinModule.bind(process);
    const spy = vi.spyOn(process, 'getBuiltinModule').mockImplementation(((id: string) =>
      id === 'node:async_hooks' ? undefined : getBuiltinModule(id)));
    vi.resetModules(); // a fresh harness, which has not yet looked for the hooks
    try {
      const fresh = await import('iterscope/testing');
      const summary = await fresh.checkPipelines({ ...options, stages: [watchdog(false)], runs: 5 });
      expect(summary.unchecked).toEqual([expect.stringMatching(/^timers-cleared: this runtime cannot count timers/)]);
    } finally {
      spy.mockRestore();
      vi.resetModules();
    }
  });

  it("a timer something else in the process makes while the scenario runs is not the subject's", async () => {
    // Queued before the scenario; it runs when the scenario first lets the event loop turn
    // (a read parks), so its timer is made during the scenario, by code that is not the subject.
    let foreign: ReturnType<typeof setTimeout> | undefined;
    setImmediate(() => {
      foreign = setTimeout(() => undefined, 60_000);
    });
    const parks: Scenario = { sources: [{ kind: 'async', items: 2, parkAt: 1 }], stages: [], consumer: { steps: [{ op: 'next' }, { op: 'next' }], end: 'return' }, seed: 1 };
    try {
      const violations = await checkScenario(({ source, signal }) => aclosing(source, { signal }), parks, { invariants: ['timers-cleared'] });
      expect(foreign).toBeDefined();
      expect(violations).toEqual([]);
    } finally {
      clearTimeout(foreign);
    }
  });
});
