import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { first, forEach, map, pipe, reduce, SuppressedError, toArray, withCleanup, type Exit } from 'iterscope';
import { badInputSuite, outcome } from '../helpers/contract.js';
import { probe, probeIterable, recordReports, ticks } from '../helpers/probe.js';

let recorded: ReturnType<typeof recordReports>;
beforeEach(() => {
  recorded = recordReports();
});
afterEach(() => {
  recorded.stop();
});

describe('toArray', () => {
  it('collects every item; a finished source is not closed', async () => {
    const src = probe({ items: 3 });
    expect(await toArray(src)).toEqual([0, 1, 2]);
    expect(src.calls.return).toBe(0);
  });

  it('works as the last step of pipe', async () => {
    expect(await pipe([1, 2], map((x: number) => x + 1), toArray)).toEqual([2, 3]);
  });

  it('C3: aborting rejects with the reason itself and closes the source once', async () => {
    const src = probe({ parkAt: 2 });
    const controller = new AbortController();
    const pending = outcome(toArray(src, { signal: controller.signal }));
    await ticks(10);
    const reason = new Error('stop');
    controller.abort(reason);
    expect(await pending).toEqual({ ok: false, value: reason });
    await ticks(5);
    expect(src.calls.return).toBe(1);
  });

  it('C3: an already-aborted signal opens nothing', async () => {
    const src = probeIterable();
    const reason = new Error('early');
    expect(await outcome(toArray(src, { signal: AbortSignal.abort(reason) }))).toEqual({ ok: false, value: reason });
    expect(src.opened).toHaveLength(0);
  });

  it('C1: a source error rejects and the source is not closed', async () => {
    const error = new Error('source');
    const src = probe({ throwAt: 1, error });
    expect(await outcome(toArray(src))).toEqual({ ok: false, value: error });
    expect(src.calls.return).toBe(0);
  });
});

describe('forEach', () => {
  it('calls fn with each item and index, awaiting async fns', async () => {
    const seen: string[] = [];
    await forEach(['a', 'b'], async (x, i) => {
      await Promise.resolve();
      seen.push(`${String(i)}${x}`);
    });
    expect(seen).toEqual(['0a', '1b']);
  });

  it('C1: an async fn that rejects closes the source once, and forEach rejects with its error', async () => {
    const src = probe({ items: 3 });
    const error = new Error('async body');
    expect(
      await outcome(
        forEach(src, async () => {
          await Promise.resolve();
          throw error;
        }),
      ),
    ).toEqual({ ok: false, value: error });
    expect(src.calls).toEqual({ next: 1, return: 1, throw: 0 });
  });

  it('C1: fn throwing closes the source once and rejects with the error', async () => {
    const src = probe();
    const error = new Error('body');
    expect(
      await outcome(
        forEach(src, () => {
          throw error;
        }),
      ),
    ).toEqual({ ok: false, value: error });
    expect(src.calls.return).toBe(1);
  });

  it('C5: fn throwing and the close failing too gives SuppressedError (for await drops the close error)', async () => {
    const bodyError = new Error('body');
    const closeError = new Error('close');
    const result = await outcome(
      forEach(probe({ returnError: closeError }), () => {
        throw bodyError;
      }),
    );
    expect(result.value).toBeInstanceOf(SuppressedError);
    expect((result.value as SuppressedError).error).toBe(closeError);
    expect((result.value as SuppressedError).suppressed).toBe(bodyError);

    // The same with for await: the close error is lost.
    const lost = await outcome(
      (async () => {
        for await (const x of probe({ returnError: closeError })) {
          if (x === 0) throw bodyError;
        }
      })(),
    );
    expect(lost.value).toBe(bodyError);
  });

  it('C4: the source has finished closing before forEach rejects', async () => {
    const exits: Exit[] = [];
    const error = new Error('body');
    const result = await outcome(
      forEach(
        pipe(
          probe({ returnTicks: 5 }),
          withCleanup((exit) => exits.push(exit)),
        ),
        () => {
          throw error;
        },
      ),
    );
    expect(result.value).toBe(error);
    expect(exits).toEqual([{ outcome: 'cancelled' }]);
  });

  it('C3: abort while fn runs rejects the next read with the reason and closes the source', async () => {
    const src = probe();
    const controller = new AbortController();
    const reason = { r: 1 };
    const result = await outcome(
      forEach(
        src,
        (x) => {
          if (x === 1) controller.abort(reason);
        },
        { signal: controller.signal },
      ),
    );
    expect(result.value).toBe(reason);
    await ticks(5);
    expect(src.calls.return).toBe(1);
  });
});

describe('reduce', () => {
  it('folds from the initial value', async () => {
    expect(await reduce([1, 2, 3], (sum: number, x: number) => sum + x, 10)).toBe(16);
    expect(await reduce([], (sum: number, x: number) => sum + x, 10)).toBe(10);
  });

  it('awaits an async reducer', async () => {
    expect(await reduce(['a', 'b'], async (acc: string, x: string, i) => `${acc}${x}${String(i)}`, '')).toBe('a0b1');
  });

  it('C1/C5: a throwing reducer closes the source; a close error is attached', async () => {
    const error = new Error('reducer');
    const closeError = new Error('close');
    const src = probe({ returnError: closeError });
    const result = await outcome(
      reduce(
        src,
        () => {
          throw error;
        },
        0,
      ),
    );
    expect(src.calls.return).toBe(1);
    expect((result.value as SuppressedError).error).toBe(closeError);
    expect((result.value as SuppressedError).suppressed).toBe(error);
  });

  it('C3: abort rejects with the reason itself', async () => {
    const reason = new Error('r');
    const src = probe({ parkAt: 0 });
    const controller = new AbortController();
    const pending = outcome(reduce(src, (a: number) => a, 0, { signal: controller.signal }));
    await ticks(2);
    controller.abort(reason);
    expect(await pending).toEqual({ ok: false, value: reason });
  });
});

describe('first', () => {
  it('reads one item and closes the source once, before resolving', async () => {
    const src = probe({ returnTicks: 3 });
    expect(await first(src)).toBe(0);
    expect(src.calls.next).toBe(1);
    expect(src.log.at(-1)).toBe('src:return:end');
  });

  it('resolves undefined for an empty stream, without closing it', async () => {
    const src = probe({ items: 0 });
    expect(await first(src)).toBe(undefined);
    expect(src.calls.return).toBe(0);
  });

  it('C5: a close error rejects', async () => {
    const closeError = new Error('close');
    expect(await outcome(first(probe({ returnError: closeError })))).toEqual({ ok: false, value: closeError });
  });

  it('C3: an already-aborted signal opens nothing', async () => {
    const src = probeIterable();
    const reason = new Error('early');
    expect(await outcome(first(src, { signal: AbortSignal.abort(reason) }))).toEqual({ ok: false, value: reason });
    expect(src.opened).toHaveLength(0);
  });
});

badInputSuite('terminals', [
  ['toArray: source not iterable', () => toArray(3 as never), TypeError, /toArray: expected `source`.*`3` \(number\)/],
  ['forEach: fn not a function', () => forEach([], 'f' as never), TypeError, /forEach: expected `fn` to be a function, got `"f"`/],
  ['forEach: source not iterable', () => forEach(null as never, () => undefined), TypeError, /forEach: expected `source`.*`null`/],
  ['reduce: reducer not a function', () => reduce([], 1 as never, 0), TypeError, /reduce: expected `reducer` to be a function/],
  ['reduce: initial missing', () => (reduce as (s: unknown, r: unknown) => unknown)([], () => 0), TypeError, /reduce: expected `initial`/],
  ['first: options not an object', () => first([], 5 as never), TypeError, /first: expected `options`/],
  ['reduce: source not iterable', () => reduce(8 as never, () => 0, 0), TypeError, /^reduce: expected `source`/],
  ['first: source not iterable', () => first(9 as never), TypeError, /^first: expected `source`/],
]);
