import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defineOperator, filter, map, pipe, stop, takeWhile, toArray, withCleanup, type Exit } from 'iterscope';
import { outcome } from '../helpers/contract.js';
import { controlled } from '../helpers/controlled.js';
import { probe, recordReports, settleAll } from '../helpers/probe.js';

// The read loop (src/core/read-loop.ts): answers that reach a stage after it stopped.

let recorded: ReturnType<typeof recordReports>;
beforeEach(() => {
  recorded = recordReports();
});
afterEach(() => {
  recorded.stop();
});

describe('read loop: answers after the stage stopped', () => {
  it('an item the source answers after return() never reaches the step', async () => {
    const source = controlled<number>();
    const seen: number[] = [];
    const stage = pipe(
      source,
      map((x: number) => {
        seen.push(x);
        return x;
      }),
    );
    const pending = stage.next();
    await stage.return();
    expect(await pending).toEqual({ done: true, value: undefined });
    source.push(1);
    await settleAll();
    expect(seen).toEqual([]);
    expect(recorded.reports).toEqual([]);
  });

  it('an async step that settles after return() answers nobody; one that fails is reported, never lost (C5)', async () => {
    const error = new Error('late step');
    let settleStep: ((ok: boolean) => void) | undefined;
    const stage = pipe(
      [1, 2],
      map(
        (x: number) =>
          new Promise<number>((resolve, reject) => {
            settleStep = (ok) => {
              if (ok) resolve(x);
              else reject(error);
            };
          }),
      ),
    );
    const pending = stage.next();
    await settleAll();
    await stage.return();
    expect(await pending).toEqual({ done: true, value: undefined });
    settleStep?.(false);
    await settleAll();
    expect(recorded.reports).toEqual([{ type: 'late-error', stage: 'map', error }]);
  });
});

describe('read loop: steps fused after a stage of their own', () => {
  // An operator with options is a stage; option-less map/filter after it run inside it.
  it('an item the stage skips never reaches the fused steps', async () => {
    const seen: number[] = [];
    const stage = pipe(
      [1, 2, 3, 4],
      filter((x: number) => x % 2 === 0, { closeTimeout: 1000 }),
      map((x: number) => {
        seen.push(x);
        return x * 10;
      }),
    );
    expect(await toArray(stage)).toEqual([20, 40]);
    expect(seen).toEqual([2, 4]);
  });

  it('the stage stopping ends the stream before the fused steps', async () => {
    const seen: number[] = [];
    const stage = pipe(
      [1, 2, 3, 4],
      takeWhile((x: number) => x < 3, { closeTimeout: 1000 }),
      map((x: number) => {
        seen.push(x);
        return x * 10;
      }),
    );
    expect(await toArray(stage)).toEqual([10, 20]);
    expect(seen).toEqual([1, 2]);
  });

  it('an async step of the stage is awaited before the fused steps see its value', async () => {
    const seen: unknown[] = [];
    const stage = pipe(
      [1, 2],
      map(async (x: number) => Promise.resolve(x + 1), { closeTimeout: 1000 }),
      map((x: number) => {
        seen.push(x);
        return x * 10;
      }),
    );
    expect(await toArray(stage)).toEqual([20, 30]);
    expect(seen).toEqual([2, 3]);
  });

  it('a fused step that skips ends the run: the steps after it never see the item', async () => {
    const seen: number[] = [];
    const stage = pipe(
      [1, 2, 3, 4],
      filter((x: number) => x % 2 === 0),
      map((x: number) => {
        seen.push(x);
        return x * 10;
      }),
    );
    expect(await toArray(stage)).toEqual([20, 40]);
    expect(seen).toEqual([2, 4]);
  });
});

describe('read loop: the per-item path', () => {
  // Fusion saves the hand-off between stages only if a step that answers at once is not
  // awaited: the whole run must answer in the turn its source answered.
  it('synchronous fused steps add no tick: four steps answer as soon as one does', async () => {
    const ticksToAnswer = async (stage: AsyncIterator<number>): Promise<number> => {
      const state = { answered: false };
      void stage.next().then(() => {
        state.answered = true;
      });
      let n = 0;
      while (!state.answered && n < 100) {
        await Promise.resolve();
        n++;
      }
      await stage.return?.(); // C7: a stage left open would be reported as abandoned later
      return n;
    };
    const inc = (x: number): number => x + 1;
    const one = await ticksToAnswer(pipe([1, 2], map(inc)));
    const four = await ticksToAnswer(pipe([1, 2], map(inc), map(inc), filter(() => true), map(inc)));
    // A stage's own step with fused steps after it (a map with options takes them).
    const own = await ticksToAnswer(pipe([1, 2], map(inc, { closeTimeout: 1_000 }), map(inc), map(inc)));
    expect(one).toBeLessThan(100);
    expect(four).toBe(one);
    expect(own).toBe(one);
  });

  // runTail tests SKIP and STOP only after `typeof` says symbol: any other symbol is an item.
  it('symbols other than skip and stop are items, through the stage\'s own step and every fused step', async () => {
    const a = Symbol('a');
    const b = Symbol.for('iterscope.test.b');
    const toSymbol = (x: number): symbol => (x === 1 ? a : b);
    const seen: symbol[] = [];
    const keep = (s: symbol): boolean => {
      seen.push(s);
      return true;
    };
    const name = (s: symbol): string => String(s.description);
    expect(await toArray(pipe([1, 2], map(toSymbol), filter(keep), map(name)))).toEqual(['a', 'iterscope.test.b']);
    expect(seen).toEqual([a, b]);
    // The stage's own step (a map with options is a stage that takes the steps after it).
    expect(await toArray(pipe([1, 2], map(toSymbol, { closeTimeout: 1_000 }), filter(keep), map(name)))).toEqual(['a', 'iterscope.test.b']);
    // A symbol as the output of a step in the middle of the tail.
    expect(await toArray(pipe([1, 2], map((x: number) => x), map(toSymbol), map(name)))).toEqual(['a', 'iterscope.test.b']);
    // Three stages, no fusion.
    expect(await toArray(map(name)(filter(keep)(map(toSymbol)([1, 2]))))).toEqual(['a', 'iterscope.test.b']);
  });
});

describe('read loop: async steps', () => {
  it('an async stop finishes the stream and closes the source (C1)', async () => {
    const src = probe();
    const upTo = defineOperator<number, number>('upTo', { step: (x) => Promise.resolve(x >= 2 ? stop : x) });
    const stage = pipe(src, upTo);
    expect(await stage.next()).toEqual({ done: false, value: 0 });
    expect(await stage.next()).toEqual({ done: false, value: 1 });
    expect(await stage.next()).toEqual({ done: true, value: undefined });
    expect(src.calls.return).toBe(1);
  });

  it("a step's async failure ends the stage with outcome error, not as a stop from downstream", async () => {
    const error = new Error('async step failed');
    const exits: Exit[] = [];
    const failing = defineOperator<number, number>('failing', {
      step: (x) => (x === 1 ? Promise.reject(error) : Promise.resolve(x)),
      cleanup: (exit) => {
        exits.push(exit);
      },
    });
    const stage = pipe(probe(), failing);
    expect(await stage.next()).toEqual({ done: false, value: 0 });
    expect(await outcome(stage.next())).toEqual({ ok: false, value: error });
    expect(exits).toEqual([{ outcome: 'error', error }]);
  });

  it('an async skip that settles after return() reads nothing more from the closed source', async () => {
    const src = probe();
    let release: (() => void) | undefined;
    const stage = pipe(
      src,
      filter(
        (x: number) =>
          new Promise<boolean>((resolve) => {
            release = () => {
              resolve(x > 100);
            };
          }),
      ),
    );
    const pending = stage.next();
    await settleAll();
    expect(src.calls.next).toBe(1);
    await stage.return();
    expect(await pending).toEqual({ done: true, value: undefined });
    release?.();
    await settleAll();
    expect(src.calls.next).toBe(1);
    expect(recorded.reports).toEqual([]);
  });
});

describe('read loop: C3, an iterable opened with the stage\'s own signal', () => {
  /** How many abort listeners `signal` holds now, counted at its add/remove calls. */
  function abortListeners(signal: AbortSignal): () => number {
    const live = new Set<unknown>();
    const add = signal.addEventListener.bind(signal);
    const remove = signal.removeEventListener.bind(signal);
    signal.addEventListener = ((type: string, listener: EventListener, options?: AddEventListenerOptions) => {
      if (type === 'abort') live.add(listener);
      add(type, listener, options);
    }) as typeof signal.addEventListener;
    signal.removeEventListener = ((type: string, listener: EventListener, options?: EventListenerOptions) => {
      if (type === 'abort') live.delete(listener);
      remove(type, listener, options);
    }) as typeof signal.removeEventListener;
    return () => live.size;
  }

  it('a stage it opens on the same signal leaves the listening to it: one listener, both end aborted', async () => {
    const controller = new AbortController();
    const { signal } = controller;
    const listeners = abortListeners(signal);
    const exits: Exit[] = [];
    const opens = {
      [Symbol.asyncIterator]: () => pipe(probe({ parkAt: 1 }), withCleanup((e) => exits.push(e), { signal })),
    };
    const stage = pipe(opens, withCleanup((e) => exits.push(e), { signal }));
    expect(await stage.next()).toEqual({ done: false, value: 0 });
    expect(listeners()).toBe(1);
    const pending = stage.next();
    const reason = new Error('stop');
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
    await settleAll();
    expect(exits).toEqual([
      { outcome: 'aborted', reason },
      { outcome: 'aborted', reason },
    ]);
  });
});
