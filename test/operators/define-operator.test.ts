import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  SuppressedError,
  defineOperator,
  many,
  map,
  pipe,
  skip,
  stop,
  take,
  toArray,
  type Exit,
  type Source,
  type StageOptions,
} from 'iterscope';
import { badInputSuite, contractSuite, outcome } from '../helpers/contract.js';
import { probe, probeIterable, recordReports, signalSource, ticks } from '../helpers/probe.js';

// An operator written with defineOperator keeps the whole contract: the stage it makes is
// the same stage every built-in operator is.

let recorded: ReturnType<typeof recordReports>;
beforeEach(() => {
  recorded = recordReports();
});
afterEach(() => {
  recorded.stop();
});

const passThrough = (source: Source<number>, options?: StageOptions) =>
  pipe(source, defineOperator('pass', { step: (x: number) => x }, options));

contractSuite('defineOperator', {
  make: passThrough,
  failing: (source, error) =>
    pipe(
      source,
      defineOperator('failing', {
        step: (): number => {
          throw error;
        },
      }),
    ),
});

contractSuite('defineOperator with an async step, flush and cleanup', {
  make: (source, options) =>
    pipe(
      source,
      defineOperator(
        'full',
        { step: async (x: number) => x, flush: () => stop, cleanup: () => undefined },
        options,
      ),
    ),
  failing: (source, error) =>
    pipe(
      source,
      defineOperator('failingAsync', {
        step: (): Promise<number> => Promise.reject(error),
        cleanup: () => undefined,
      }),
    ),
});

describe('defineOperator: items', () => {
  it('passes step answers, skips skip, and finishes on stop with the source closed (C1)', async () => {
    const src = probe();
    const indexes: number[] = [];
    const out = await toArray(
      pipe(
        src,
        defineOperator('odd-until-7', {
          step: (x: number, i) => {
            indexes.push(i);
            if (x === 7) return stop;
            return x % 2 === 1 ? x * 10 : skip;
          },
        }),
      ),
    );
    expect(out).toEqual([10, 30, 50]);
    expect(indexes).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(src.calls.return).toBe(1);
  });

  it('passes null and undefined answered by step as items', async () => {
    const out = await toArray(pipe([1, 2, 3], defineOperator('blanks', { step: (x: number) => (x === 1 ? null : x === 2 ? undefined : x) })));
    expect(out).toEqual([null, undefined, 3]);
  });

  it('passes items unchanged without a step', async () => {
    expect(await toArray(pipe([1, 2], defineOperator<number>('same', {})))).toEqual([1, 2]);
  });

  it('answers many() one item per read, before reading the source again', async () => {
    const src = probe({ items: 2 });
    const stage = pipe(src, defineOperator('twice', { step: (x: number) => many([x, x + 100]) }));
    expect(await stage.next()).toEqual({ done: false, value: 0 });
    expect(await stage.next()).toEqual({ done: false, value: 100 });
    expect(src.calls.next).toBe(1);
    expect(await toArray(stage)).toEqual([1, 101]);
  });

  it('treats many([]) as skip, and an async many like a sync one', async () => {
    const out = await toArray(pipe([1, 2, 3], defineOperator('evenTwice', { step: async (x: number) => many(x % 2 === 0 ? [x, x] : []) })));
    expect(out).toEqual([2, 2]);
  });

  it('calls flush once per read after the end, until stop; the source is not closed (C1)', async () => {
    const src = probe({ items: 3 });
    const flushes: string[] = [];
    const out = await toArray(
      pipe(
        src,
        defineOperator('tail', {
          start: () => ({ left: 2 }),
          flush: async (state) => {
            flushes.push(`flush ${String(state.left)}`);
            return state.left > 0 ? state.left-- * -1 : stop;
          },
        }),
      ),
    );
    expect(out).toEqual([0, 1, 2, -2, -1]);
    expect(flushes).toEqual(['flush 2', 'flush 1', 'flush 0']);
    expect(src.calls.return).toBe(0);
  });

  it('passes the items of a many() from flush before calling flush again', async () => {
    let calls = 0;
    const out = await toArray(pipe([1], defineOperator('ends', { flush: () => (calls++ === 0 ? many([8, 9]) : many([])) })));
    expect(out).toEqual([1, 8, 9]);
    expect(calls).toBe(2);
  });

  it('does not call flush when step answered stop', async () => {
    let flushed = false;
    await toArray(pipe([1, 2], defineOperator('first', { step: (x: number) => (x === 2 ? stop : x), flush: () => ((flushed = true), stop) })));
    expect(flushed).toBe(false);
  });

  it('a flush answering skip fails the stream with a TypeError', async () => {
    const stage = pipe([1], defineOperator('bad', { flush: () => skip as never }));
    expect(await stage.next()).toEqual({ done: false, value: 1 });
    await expect(stage.next()).rejects.toThrow(/bad: flush\(\) answered skip/);
  });
});

describe('defineOperator: state per stage', () => {
  const counter = defineOperator('counter', {
    start: () => ({ seen: 0 }),
    step: (_x: string, _i, state) => ++state.seen,
  });

  it('gives the same operator in two pipelines a state each', async () => {
    const a = pipe(['a', 'b', 'c'], counter);
    const b = pipe(['x', 'y'], counter);
    expect(await a.next()).toEqual({ done: false, value: 1 });
    expect(await toArray(b)).toEqual([1, 2]);
    expect(await toArray(a)).toEqual([2, 3]);
  });

  it('restarts the index for each stage', async () => {
    const indexed = defineOperator('indexed', { step: (_x: string, i) => i });
    expect(await toArray(pipe(['a', 'b'], indexed))).toEqual([0, 1]);
    expect(await toArray(pipe(['a', 'b'], indexed))).toEqual([0, 1]);
  });

  it('copies the hooks at the call', async () => {
    const hooks: { step: (x: number) => number } = { step: (x) => x + 1 };
    const op = defineOperator('copy', hooks);
    hooks.step = (x) => x - 1;
    expect(await toArray(pipe([1], op))).toEqual([2]);
  });
});

describe('defineOperator: the contract', () => {
  it('C1: closes the source exactly once on break, and runs cleanup once', async () => {
    const src = probe();
    const exits: Exit[] = [];
    for await (const _ of pipe(src, defineOperator('c1', { step: (x: number) => x, cleanup: (exit) => void exits.push(exit) }))) break;
    expect(src.calls.return).toBe(1);
    expect(exits).toEqual([{ outcome: 'cancelled' }]);
  });

  it('C1: a start that throws closes the iterator handed in, and throws at the call', async () => {
    const src = probe();
    const error = new Error('start failed');
    const op = defineOperator('broken', {
      start: () => {
        throw error;
      },
      cleanup: () => undefined,
    });
    expect(() => op(src)).toThrow(error);
    await ticks(3);
    expect(src.calls.return).toBe(1);
  });

  it('C1/C5: a step error closes the source, reaches the consumer, and cleanup sees it', async () => {
    const log: string[] = [];
    const src = probe({ log });
    const error = new Error('bad item');
    const exits: Exit[] = [];
    const stage = pipe(
      src,
      defineOperator('throws', {
        step: (x: number) => {
          if (x === 1) throw error;
          return x;
        },
        cleanup: (exit) => void exits.push(exit),
      }),
    );
    await expect(toArray(stage)).rejects.toBe(error);
    expect(src.calls.return).toBe(1);
    expect(exits).toEqual([{ outcome: 'error', error }]);
  });

  it('C3: abort rejects a pending next() with the reason itself; cleanup gets it', async () => {
    const controller = new AbortController();
    const src = probe({ parkAt: 0 });
    const exits: Exit[] = [];
    const stage = pipe(src, defineOperator('c3', { cleanup: (exit) => void exits.push(exit) }, { signal: controller.signal }));
    const pending = outcome(stage.next());
    const reason = { why: 'user' };
    controller.abort(reason);
    expect(await pending).toEqual({ ok: false, value: reason });
    await ticks(10);
    expect(src.calls.return).toBe(1);
    expect(exits).toHaveLength(1);
    expect(exits[0]?.outcome).toBe('aborted');
    expect((exits[0] as { reason: unknown }).reason).toBe(reason);
  });

  it('C3: a source that takes a signal gets a close signal, aborted when the operator stops', async () => {
    const src = signalSource(3);
    for await (const _ of pipe(src, defineOperator('c3close', { step: (x: number) => x }))) break;
    const [signal] = src.signals;
    expect(signal?.aborted).toBe(true);
    expect((signal?.reason as Error).name).toBe('AbortError');
    expect((signal?.reason as Error).message).toMatch(/c3close stopped \(cancelled\)/);
  });

  it('C4: cleanup runs after the source finished closing', async () => {
    const log: string[] = [];
    const src = probe({ log, returnTicks: 3 });
    const stage = pipe(
      src,
      defineOperator('c4', {
        cleanup: async () => {
          await ticks(1);
          log.push('cleanup');
        },
      }),
    );
    await stage.next();
    await stage.return();
    expect(log.filter((e) => !e.endsWith(':next'))).toEqual(['src:return:start', 'src:return:end', 'cleanup']);
  });

  it('C5: a cleanup error is attached to the step error as SuppressedError', async () => {
    const stepError = new Error('step');
    const cleanupError = new Error('cleanup');
    const stage = pipe(
      probe(),
      defineOperator('c5', {
        step: (): number => {
          throw stepError;
        },
        cleanup: () => {
          throw cleanupError;
        },
      }),
    );
    const result = await outcome(stage.next());
    expect(result.value).toBeInstanceOf(SuppressedError);
    expect((result.value as SuppressedError).error).toBe(cleanupError);
    expect((result.value as SuppressedError).suppressed).toBe(stepError);
  });

  it('C5: an async step failing after the stream closed is reported, not lost', async () => {
    let fail: (error: unknown) => void = () => undefined;
    let stepCalled: () => void = () => undefined;
    const called = new Promise<void>((resolve) => (stepCalled = resolve));
    const stage = pipe(
      probe(),
      defineOperator('late', {
        step: () => {
          stepCalled();
          return new Promise<number>((_, reject) => (fail = reject));
        },
      }),
    );
    const pending = stage.next();
    await called;
    await stage.return();
    expect(await pending).toEqual({ done: true, value: undefined });
    const error = new Error('too late');
    fail(error);
    await ticks(2);
    expect(recorded.reports).toContainEqual(expect.objectContaining({ type: 'late-error', stage: 'late', error }));
  });

  it('C7: the safety net runs cleanup with abandoned, and the record names the operator', async () => {
    const exits: string[] = [];
    const opened = probeIterable({ items: 100 });
    await (async () => {
      const stage = pipe(opened, defineOperator('dropped', { cleanup: (exit) => void exits.push(exit.outcome) }));
      await stage.next();
    })();
    // Collection is not timed: collect and turn the event loop until the net has run.
    for (let i = 0; i < 30 && exits.length === 0; i++) {
      (globalThis as { gc?: () => void }).gc?.();
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(exits).toEqual(['abandoned']);
    expect(recorded.reports).toContainEqual(expect.objectContaining({ type: 'abandoned', stage: 'dropped' }));
  });

  it('C3: an abort while many() items are held rejects the next read with the reason; the rest are dropped', async () => {
    const controller = new AbortController();
    const src = probe();
    const stage = pipe(src, defineOperator('held', { step: (x: number) => many([x, x, x]) }, { signal: controller.signal }));
    expect(await stage.next()).toEqual({ done: false, value: 0 });
    const reason = new Error('enough');
    controller.abort(reason);
    await expect(stage.next()).rejects.toBe(reason);
    expect(await stage.next()).toEqual({ done: true, value: undefined });
    await ticks(5);
    expect(src.calls.return).toBe(1);
  });

  it('C6: await using closes the source and runs cleanup', async () => {
    const src = probe();
    const exits: string[] = [];
    {
      await using stage = pipe(src, defineOperator('disposed', { cleanup: (exit) => void exits.push(exit.outcome) }));
      await stage.next();
    }
    expect(src.calls.return).toBe(1);
    expect(exits).toEqual(['cancelled']);
  });

  it('reads from fused and counted stages below it like any stage', async () => {
    const doubled = defineOperator('doubled', { step: (x: number) => many([x, x]) });
    expect(await toArray(pipe([1, 2, 3, 4], map((x: number) => x * 10), map((x) => x + 1), doubled, take(3)))).toEqual([11, 11, 21]);
  });

  it('runs a map after it as a stage of its own, in order, also over many() items', async () => {
    const out = await toArray(pipe([1, 2], defineOperator('pairs', { step: (x: number) => many([x, -x]) }), map((x) => x * 10)));
    expect(out).toEqual([10, -10, 20, -20]);
  });
});

badInputSuite('defineOperator', [
  ['a name that is not a string', () => defineOperator(1 as unknown as string, {}), TypeError, /defineOperator: expected `name` to be a non-empty string, got `1` \(number\)/],
  ['an empty name', () => defineOperator('', {}), TypeError, /expected `name` to be a non-empty string, got `""` \(string\)/],
  ['hooks that are not an object', () => defineOperator('op', null as unknown as object), TypeError, /op: expected `hooks` to be an object, got `null`/],
  ['a hook that is not a function', () => defineOperator('op', { step: 1 as unknown as () => number }), TypeError, /op: expected `hooks.step` to be a function, got `1` \(number\)/],
  ['a misspelt hook', () => defineOperator('op', { fluhs: () => stop } as object), TypeError, /op: unknown option `"fluhs"` \(string\); expected one of `start`, `step`, `flush`, `cleanup`/],
  ['a signal that is not an AbortSignal', () => defineOperator('op', {}, { signal: 'no' as unknown as AbortSignal }), TypeError, /op: expected `options.signal` to be an AbortSignal, got `"no"` \(string\)/],
  ['a negative closeTimeout', () => defineOperator('op', {}, { closeTimeout: -1 }), RangeError, /op: expected `options.closeTimeout` to be a number of milliseconds from 0 up, or Infinity, got `-1`/],
  ['many() of something not iterable', () => many(3 as unknown as number[]), TypeError, /many: expected `items` to be an iterable, got `3` \(number\)/],
  ['many() of null', () => many(null as unknown as number[]), TypeError, /many: expected `items` to be an iterable, got `null`/],
  ['many() of nothing', () => many(undefined as unknown as number[]), TypeError, /many: expected `items` to be an iterable, got `undefined`/],
]);
