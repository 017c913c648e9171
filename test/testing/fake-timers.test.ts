/**
 * The harness inside a test file that fakes timers (vitest's `vi.useFakeTimers()`): it
 * turns the event loop, waits and measures on the runtime's own timers and clock, so a
 * run finishes; `timers-cleared` cannot count fake timers and says so, and says nothing
 * wrong about the runtime. Its own file: the first check of the process runs faked.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { aclosing } from 'iterscope';
import { checkContract, type Subject } from 'iterscope/testing';

const subject: Subject = ({ source, signal }) => aclosing(source, { signal });

afterEach(() => {
  vi.useRealTimers();
});

describe('checkContract under fake timers', () => {
  it('runs every scenario, and reports timers-cleared as unchecked because the timers are faked', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setImmediate', 'clearImmediate', 'setInterval', 'clearInterval', 'Date', 'performance'] });
    const summary = await checkContract(subject, { runs: 100, seed: 3 });
    expect(summary.runs).toBe(100);
    expect(summary.unchecked).toEqual([expect.stringMatching(/^timers-cleared: setTimeout is faked/)]);
  }, 30_000);

  it('with real timers again, the same process counts timers', async () => {
    const summary = await checkContract(subject, { runs: 20, seed: 3 });
    expect(summary.unchecked).toEqual([]);
  });
});
