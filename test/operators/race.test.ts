import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { aclosing, race, toArray } from 'iterscope';
import { badInputSuite, contractSuite, outcome } from '../helpers/contract.js';
import { controlled } from '../helpers/controlled.js';
import { probe, probeIterable, recordReports, ticks } from '../helpers/probe.js';

let recorded: ReturnType<typeof recordReports>;
beforeEach(() => {
  recorded = recordReports();
});
afterEach(() => {
  recorded.stop();
});

contractSuite('race', { make: (source, options) => aclosing(race(source), options) });

describe('race', () => {
  it('continues with the first source to answer', async () => {
    const slow = probe({ name: 'slow', parkAt: 0 });
    const fast = probe({ name: 'fast', items: 3 });
    expect(await toArray(race(slow, fast))).toEqual([0, 1, 2]);
  });

  it('closes the losers as soon as the winner is known, before the next read', async () => {
    const slow = probe({ name: 'slow', parkAt: 0 });
    const other = probe({ name: 'other', parkAt: 0 });
    const fast = probe({ name: 'fast' });
    const stage = race(slow, fast, other);
    expect(await stage.next()).toEqual({ done: false, value: 0 });
    await ticks(2);
    expect([slow.calls.return, other.calls.return, fast.calls.return]).toEqual([1, 1, 0]);
    await stage.return();
    expect(fast.calls.return).toBe(1);
  });

  it('C5: a loser close error reaches the consumer when the stream ends', async () => {
    const closeError = new Error('loser close');
    const stage = race(probe({ name: 'loser', parkAt: 0, returnError: closeError }), probe({ name: 'winner', items: 1 }));
    expect(await stage.next()).toEqual({ done: false, value: 0 });
    expect(await outcome(stage.next())).toEqual({ ok: false, value: closeError });
  });

  it('C5: a loser close error kept for the end is reported when the stream is abandoned', async () => {
    const gc = (globalThis as { gc?: () => void }).gc;
    expect(typeof gc).toBe('function');
    const closeError = new Error('loser close');
    // Built and dropped in a function of its own, so no local keeps the stage reachable.
    await (async () => {
      const stage = race(probe({ name: 'loser', parkAt: 0, returnError: closeError }), probe({ name: 'winner' }));
      expect(await stage.next()).toEqual({ done: false, value: 0 });
      await ticks(5); // the loser's close has failed by now
    })();
    for (let i = 0; i < 30 && !recorded.reports.some((r) => r.type === 'abandoned'); i++) {
      gc?.();
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(recorded.reports.filter((r) => r.type === 'abandoned')).toHaveLength(1);
    expect(recorded.reports.filter((r) => 'error' in r && r.error === closeError)).toHaveLength(1);
  });

  it('C5: losers that closed cleanly leave nothing to report when the stream is abandoned', async () => {
    const gc = (globalThis as { gc?: () => void }).gc;
    expect(typeof gc).toBe('function');
    await (async () => {
      const stage = race(probe({ name: 'loser', parkAt: 0 }), probe({ name: 'winner' }));
      expect(await stage.next()).toEqual({ done: false, value: 0 });
      await ticks(5); // the loser has closed by now, without an error
    })();
    for (let i = 0; i < 30 && !recorded.reports.some((r) => r.type === 'abandoned'); i++) {
      gc?.();
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(recorded.reports.map((r) => r.type)).toEqual(['abandoned']);
  });

  it("C5: the winner's close error reaches return(), after the losers' clean close", async () => {
    const closeError = new Error('winner close');
    const stage = race(probe({ name: 'loser', parkAt: 0 }), probe({ name: 'winner', returnError: closeError }));
    expect(await stage.next()).toEqual({ done: false, value: 0 });
    expect(await outcome(stage.return())).toEqual({ ok: false, value: closeError });
  });

  it("C5: the winner's failure after a loser's close failed: SuppressedError(close error, failure)", async () => {
    const error = new Error('winner failed');
    const closeError = new Error('loser close');
    const stage = race(probe({ name: 'loser', parkAt: 0, returnError: closeError }), probe({ name: 'winner', throwAt: 1, error }));
    expect(await stage.next()).toEqual({ done: false, value: 0 });
    const result = await outcome(stage.next());
    expect((result.value as { name: string }).name).toBe('SuppressedError');
    expect((result.value as { error: unknown }).error).toBe(closeError);
    expect((result.value as { suppressed: unknown }).suppressed).toBe(error);
  });

  it('C5: several loser close errors arrive as one AggregateError', async () => {
    const e1 = new Error('l1');
    const e2 = new Error('l2');
    const stage = race(probe({ parkAt: 0, returnError: e1 }), probe({ parkAt: 0, returnError: e2 }), probe({ items: 1 }));
    await stage.next();
    const result = await outcome(stage.next());
    expect((result.value as AggregateError).errors).toEqual([e1, e2]);
    expect((result.value as AggregateError).message).toBe('race: several sources failed to close.');
  });

  it('a first answer that is an error wins: the stream fails and the losers are closed', async () => {
    const error = new Error('first failed');
    const loser = probe({ parkAt: 0 });
    expect(await outcome(race(loser, probe({ throwAt: 0, error })).next())).toEqual({ ok: false, value: error });
    expect(loser.calls.return).toBe(1);
  });
});

describe('race: edges', () => {
  it('race() of no sources is an empty stream', async () => {
    const stage = race();
    expect(await stage.next()).toEqual({ done: true, value: undefined });
    expect(await stage.next()).toEqual({ done: true, value: undefined });
  });

  it("a loser's read that answers after it lost is dropped: only the winner's items come through", async () => {
    const loser = controlled<string>();
    const winner = controlled<string>();
    const stage = race(loser, winner);
    const first = stage.next();
    await ticks(2);
    winner.push('w1');
    expect(await first).toEqual({ done: false, value: 'w1' });
    const second = stage.next();
    loser.push('loser item');
    await ticks(2);
    winner.push('w2');
    expect(await second).toEqual({ done: false, value: 'w2' });
    await stage.return();
  });

  it("C5: a loser's read that fails after it lost is reported, and the stream goes on with the winner", async () => {
    const error = new Error('loser failed late');
    const loser = controlled<number>();
    const winner = probe({ name: 'winner', items: 2 });
    const stage = race(loser, winner);
    expect(await stage.next()).toEqual({ done: false, value: 0 });
    loser.fail(error);
    await ticks(5);
    expect(await stage.next()).toEqual({ done: false, value: 1 });
    expect(await stage.next()).toEqual({ done: true, value: undefined });
    expect(recorded.reports).toEqual([expect.objectContaining({ type: 'late-error', stage: 'race', error })]);
  });
});

badInputSuite('race', [['a source not iterable', () => race(undefined as never), TypeError, /race: sources\[0\]/]]);

describe('race: a source whose next() throws at once', () => {
  it('stops the stage: the sources after it are never opened, and nothing is reported', async () => {
    const error = new Error('next threw');
    const throwing: AsyncIterator<number> = {
      next: () => {
        throw error;
      },
    };
    const later = probeIterable({ name: 'later' });
    const stage = race(throwing, later);
    expect(await outcome(stage.next())).toEqual({ ok: false, value: error });
    expect(later.opened).toHaveLength(0);
    expect(recorded.reports).toEqual([]);
  });
});

describe("race: the winner's failure after the close", () => {
  it('C5: a read of the winner that fails after return() is reported, and the stream stays done', async () => {
    const winner = controlled<number>();
    const stage = race(winner, probe({ name: 'loser', parkAt: 0 }));
    const first = stage.next();
    winner.push(1);
    expect(await first).toEqual({ done: false, value: 1 });
    void stage.next(); // the winner is read again
    await ticks(5);
    await stage.return();
    const error = new Error('failed after the close');
    winner.fail(error);
    await ticks(5);
    expect(recorded.reports).toEqual([expect.objectContaining({ type: 'late-error', stage: 'race', error })]);
    expect(await stage.next()).toEqual({ done: true, value: undefined });
  });
});
