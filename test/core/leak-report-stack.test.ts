import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { configure, map, pipe, withCleanup, type Report } from 'iterscope';
import { recordReports } from '../helpers/probe.js';

// C7: an abandonment report points at the user's code that made the stage, not at
// iterscope's own frames (the constructor, the operator, pipe).

const gc = (globalThis as { gc?: () => void }).gc;

let recorded: ReturnType<typeof recordReports>;
beforeEach(() => {
  recorded = recordReports();
});
afterEach(() => {
  recorded.stop();
});

async function abandonOne(): Promise<void> {
  async function* source(): AsyncGenerator<number> {
    yield 1;
    yield 2;
  }
  const stage = pipe(source(), map((x: number) => x), withCleanup(() => undefined));
  await stage.next();
}

describe('C7 leak report stacks', () => {
  it("start at the user's frame, with none of iterscope's", async () => {
    expect(typeof gc).toBe('function');
    const previous = configure({ leakTracking: true });
    try {
      await abandonOne();
    } finally {
      configure(previous);
    }
    const abandoned = (): Report[] => recorded.reports.filter((r) => r.type === 'abandoned');
    for (let i = 0; i < 50 && abandoned().length === 0; i++) {
      gc?.();
      await new Promise((resolve) => setImmediate(resolve));
    }
    const report = abandoned()[0];
    const stack = report?.type === 'abandoned' ? (report.createdAt ?? '') : '';
    const frames = stack.split('\n');
    expect(frames[0], stack).toMatch(/abandonOne .*leak-report-stack\.test\.ts/);
    // One frame a line, each a place in code: the callers of the user's line follow it.
    expect(frames.length, stack).toBeGreaterThan(1);
    expect(frames.every((f) => /^\s+at .*:\d+:\d+\)?$/.test(f)), stack).toBe(true);
    expect(frames.filter((f) => f.includes('/src/core/')), stack).toEqual([]);
  });
});
