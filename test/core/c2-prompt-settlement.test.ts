import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { aclosing, filter, map, pipe, withCleanup, type Report } from 'iterscope';
import { probe, recordReports, ticks } from '../helpers/probe.js';

// C2: nobody waits on a parked source.

let recorded: ReturnType<typeof recordReports>;
beforeEach(() => {
  recorded = recordReports();
});
afterEach(() => {
  recorded.stop();
});

function settledFlag(p: Promise<unknown>): { readonly settled: boolean; readonly value: unknown } {
  const state = { settled: false, value: undefined as unknown };
  p.then(
    (v) => {
      state.settled = true;
      state.value = v;
    },
    (e: unknown) => {
      state.settled = true;
      state.value = e;
    },
  );
  return state;
}

describe('C2 return() while next() is pending', () => {
  it.each([1, 2, 4, 8])('settles the pending next() with done within a tick, at depth %i', async (depth) => {
    const src = probe({ parkAt: 0 });
    let stage = aclosing(src);
    for (let i = 1; i < depth; i++) stage = pipe(stage, map((x: number) => x));
    const pending = settledFlag(stage.next());
    await ticks(3);
    expect(pending.settled).toBe(false);
    const closing = stage.return();
    await ticks(1);
    expect(pending.settled).toBe(true);
    expect(pending.value).toEqual({ done: true, value: undefined });
    await closing;
    // ... and the close was sent to the parked source at once.
    expect(src.calls.return).toBe(1);
  });

  it('sends the close to the source at once, before return() resolves', async () => {
    const src = probe({ parkAt: 0, returnTicks: 5 });
    const stage = pipe(src, map((x: number) => x), filter(() => true));
    void stage.next();
    const closing = settledFlag(stage.return());
    await ticks(1);
    expect(src.log).toContain('src:return:start');
    expect(closing.settled).toBe(false);
    await ticks(20);
    expect(src.log).toContain('src:return:end');
    expect(closing.settled).toBe(true);
  });

  it('return() resolves only after every stage below has finished closing', async () => {
    const log: string[] = [];
    const src = probe({ log, returnTicks: 10 });
    const stage = pipe(
      src,
      withCleanup(() => log.push('cleanup')),
      map((x: number) => x),
    );
    await stage.next();
    await stage.return();
    log.push('returned');
    expect(log.slice(-4)).toEqual(['src:return:start', 'src:return:end', 'cleanup', 'returned']);
  });

  it('answers concurrent next() calls in order, and a close settles all of them', async () => {
    const src = probe({ parkAt: 2 });
    const stage = pipe(src, map((x: number) => x * 10));
    const results = [stage.next(), stage.next(), stage.next(), stage.next()];
    const flags = results.map(settledFlag);
    await ticks(10);
    expect(await results[0]).toEqual({ done: false, value: 0 });
    expect(await results[1]).toEqual({ done: false, value: 10 });
    expect(flags[2]!.settled).toBe(false);
    expect(flags[3]!.settled).toBe(false);
    await stage.return();
    expect(await results[2]).toEqual({ done: true, value: undefined });
    expect(await results[3]).toEqual({ done: true, value: undefined });
  });
});

describe('C2 close deadline', () => {
  it('resolves return() at the deadline when the source never finishes closing, and reports the straggler', async () => {
    const src = probe({ returnParks: true });
    const direct = aclosing(src, { closeTimeout: 20 });
    await direct.next();
    await direct.return();
    expect(recorded.reports).toEqual([expect.objectContaining({ type: 'straggler', stage: 'aclosing' })]);
  });

  it('never waits on an async generator parked in an await: next settles at once, return() by the deadline', async () => {
    const log: string[] = [];
    async function* parked() {
      try {
        await new Promise(() => undefined);
        yield 1;
      } finally {
        log.push('finally'); // JavaScript cannot run this: return() is queued behind next()
      }
    }
    const stage = pipe(aclosing(parked(), { closeTimeout: 15 }), map((x: number) => x));
    const pending = settledFlag(stage.next());
    const closing = stage.return();
    await ticks(2);
    expect(pending.settled).toBe(true);
    await closing;
    expect(log).toEqual([]);
    expect(recorded.reports.map((r: Report) => r.type)).toEqual(['straggler']);
  });

  it('reports a straggler that fails after the deadline as a late error', async () => {
    let fail: (e: unknown) => void = () => undefined;
    const src: AsyncIterator<number> = {
      next: () => Promise.resolve({ done: false, value: 1 }),
      return: () =>
        new Promise((_resolve, reject) => {
          fail = reject;
        }),
    };
    const stage = aclosing(src, { closeTimeout: 5 });
    await stage.next();
    await stage.return();
    const late = new Error('closed too late');
    fail(late);
    await ticks(3);
    expect(recorded.reports).toEqual([
      expect.objectContaining({ type: 'straggler' }),
      { type: 'late-error', stage: 'aclosing', error: late },
    ]);
  });

  it('waits for a source that finishes closing within the deadline, and reports nothing', async () => {
    let finishClosing: (() => void) | undefined;
    const src: AsyncIterator<number> = {
      next: () => Promise.resolve({ done: false, value: 1 }),
      return: () =>
        new Promise<IteratorResult<number>>((resolve) => {
          finishClosing = () => {
            resolve({ done: true, value: undefined });
          };
        }),
    };
    const stage = aclosing(src, { closeTimeout: 60_000 });
    await stage.next();
    const closing = settledFlag(stage.return());
    await new Promise((resolve) => setTimeout(resolve, 5)); // a turn of the timers: the deadline is far off
    expect(closing.settled).toBe(false);
    finishClosing?.();
    await ticks(5);
    expect(closing.settled).toBe(true);
    expect(recorded.reports).toEqual([]);
  });

  it('the outermost deadline bounds the whole chain, even below a stage with a longer one of its own', async () => {
    const src = probe({ returnParks: true });
    const stage = pipe(aclosing(src, { closeTimeout: 60_000 }), map((x: number) => x, { closeTimeout: 10 }));
    await stage.next();
    await stage.return(); // by the 10 ms deadline, not the 60 s one below
    expect(recorded.reports).toEqual([expect.objectContaining({ type: 'straggler', stage: 'aclosing' })]);
  });

  it('starts a timer only for a close still running two microtask turns later; its deadline counts from the close', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    try {
      // A source whose return() answers a settled promise: no timer is started or left behind.
      const prompt = aclosing(
        {
          next: () => Promise.resolve({ done: false, value: 1 }),
          return: () => Promise.resolve({ done: true, value: undefined }),
        },
        { closeTimeout: 20 },
      );
      await prompt.next();
      const started = vi.spyOn(globalThis, 'setTimeout');
      await prompt.return();
      await ticks(3);
      expect(started).not.toHaveBeenCalled();
      started.mockRestore();

      // One that takes longer: its timer runs until the close settles, then is cleared.
      const slow = aclosing(probe({ returnTicks: 10 }), { closeTimeout: 20 });
      await slow.next();
      const closingSlow = settledFlag(slow.return());
      await ticks(3);
      expect(vi.getTimerCount()).toBe(1);
      await ticks(20);
      expect(closingSlow.settled).toBe(true);
      expect(vi.getTimerCount()).toBe(0);

      // One that never closes: the 20 ms count from return(), not from when the timer started.
      // `waitedMs` counts from the timer's start: here 5 ms of fake time pass in between;
      // on a real clock the two are at most two microtask turns apart.
      const stuck = aclosing(probe({ returnParks: true }), { closeTimeout: 20 });
      await stuck.next();
      const closingStuck = settledFlag(stuck.return());
      vi.advanceTimersByTime(5); // before the timer starts
      await ticks(3);
      vi.advanceTimersByTime(14);
      await ticks(3);
      expect(closingStuck.settled).toBe(false);
      vi.advanceTimersByTime(1);
      await ticks(3);
      expect(closingStuck.settled).toBe(true);
      expect(recorded.reports).toEqual([expect.objectContaining({ type: 'straggler', stage: 'aclosing', waitedMs: 15 })]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('uses one deadline for the whole chain: only the stage next to the stuck source reports', async () => {
    const src = probe({ returnParks: true });
    const stage = pipe(aclosing(src, { closeTimeout: 10 }), map((x: number) => x), filter(() => true));
    await stage.next();
    await stage.return();
    expect(recorded.reports).toHaveLength(1);
  });
});

describe('C2 close deadline: a stage closed by its owner', () => {
  // A stage's deadline is the earlier of its owner's and its own closeTimeout from now.
  // The clock is read once per close of a chain, not once per stage: an owner's deadline
  // set from a reading not later than it stands when it cannot be the later one. A reading
  // later than the owner's deadline is not trusted: a clock that went back (fake timers, an
  // owner of another copy reading another clock) must not stretch the stage's own deadline.
  it('keeps its own shorter deadline when the clock went back since iterscope last read it', async () => {
    // The fake clock below starts at 0: the real one must be far ahead of it.
    while (performance.now() < 200) await new Promise((resolve) => setTimeout(resolve, 20));
    const warm = aclosing([1]);
    await warm.next();
    await warm.return(); // iterscope reads the clock: its latest reading is now
    const realNow = performance.now();
    vi.useFakeTimers({ toFake: ['performance', 'setTimeout', 'clearTimeout'] });
    try {
      expect(performance.now()).toBeLessThan(10);
      const stage = aclosing(probe({ returnParks: true }), { closeTimeout: 20 });
      await stage.next();
      // An owner of another copy closes it with a deadline, on the fake clock, far later
      // than the stage's own, and earlier than iterscope's last (real) reading.
      const ownerDeadline = realNow / 2;
      const close = Reflect.get(stage, Symbol.for('iterscope.stage.close.v1')) as (this: unknown, exit: unknown, deadlineAt: number) => Promise<unknown>;
      const closing = settledFlag(close.call(stage, { outcome: 'cancelled' }, ownerDeadline));
      await vi.advanceTimersByTimeAsync(25);
      expect(closing.settled).toBe(true);
      expect(recorded.reports).toEqual([expect.objectContaining({ type: 'straggler', stage: 'aclosing' })]);
    } finally {
      vi.useRealTimers();
    }
  });
});
