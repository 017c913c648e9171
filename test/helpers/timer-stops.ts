import { describe, expect, it, vi } from 'vitest';
import type { Stage, StageOptions } from 'iterscope';
import { outcome } from './contract.js';
import { controlled, type Controlled } from './controlled.js';
import { ticks } from './probe.js';

/**
 * C1/C7 for timed stages (debounce, batchTime, ...): the stage's timer is cleared on every
 * stop: return(), throw(), an abort, the source failing or ending. `make` builds the stage
 * over a hand-driven source with a long timer (60 s) and the given options; one item is
 * pushed so that the timer runs. Needs fake timers (`vi.useFakeTimers`) in the test file.
 */
export function timerClearedOnEveryStop(make: (source: Controlled<number>, options: StageOptions) => Stage<unknown>): void {
  describe('the timer is cleared on every stop', () => {
    const running = async (signal?: AbortSignal): Promise<{ src: Controlled<number>; stage: Stage<unknown> }> => {
      const src = controlled<number>();
      const stage = make(src, { signal });
      void stage.next().catch(() => undefined);
      src.push(1);
      await ticks(5);
      expect(vi.getTimerCount()).toBe(1);
      return { src, stage };
    };

    it('return()', async () => {
      const { src, stage } = await running();
      await stage.return();
      expect(vi.getTimerCount()).toBe(0);
      expect(src.calls.return).toBe(1);
    });

    it('throw()', async () => {
      const { stage } = await running();
      const error = new Error('consumer failed');
      expect(await outcome(stage.throw(error))).toEqual({ ok: false, value: error });
      expect(vi.getTimerCount()).toBe(0);
    });

    it('an abort', async () => {
      const controller = new AbortController();
      const { src } = await running(controller.signal);
      controller.abort();
      await ticks(5); // the close has settled: no deadline timer either
      expect(src.calls.return).toBe(1);
      expect(vi.getTimerCount()).toBe(0);
    });

    it('a source error', async () => {
      const { src, stage } = await running();
      const error = new Error('source failed');
      src.fail(error);
      await ticks(5);
      expect(vi.getTimerCount()).toBe(0);
      expect(await outcome(stage.next())).toEqual({ ok: false, value: error });
    });

    it('return() while a read is in flight, whose item arrives after it: no timer starts', async () => {
      const src = controlled<number>();
      const stage = make(src, {});
      void stage.next().catch(() => undefined);
      await ticks(5); // the read is in flight, nothing held
      await stage.return();
      src.push(1); // answers the read that was in flight
      await ticks(5);
      expect(vi.getTimerCount()).toBe(0);
    });

    it('the source ending', async () => {
      const { src, stage } = await running();
      src.end();
      await ticks(5);
      expect(vi.getTimerCount()).toBe(0);
      expect(await stage.next()).toEqual({ done: true, value: undefined });
    });
  });
}
