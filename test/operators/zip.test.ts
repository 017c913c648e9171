import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { map, pipe, toArray, zip } from 'iterscope';
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

contractSuite('zip', {
  make: (source, options) => pipe(zip(source), map(([x]: [number]) => x, options)),
});

describe('zip', () => {
  it('emits tuples in lockstep and ends with the shortest source', async () => {
    expect(await toArray(zip([1, 2, 3], ['a', 'b']))).toEqual([
      [1, 'a'],
      [2, 'b'],
    ]);
  });

  it('C1: the end of the shortest closes the others exactly once; the shortest is not closed', async () => {
    const short = probe({ name: 'short', items: 1 });
    const long = probe({ name: 'long' });
    expect(await toArray(zip(short, long))).toEqual([[0, 0]]);
    expect(short.calls.return).toBe(0);
    expect(long.calls.return).toBe(1);
  });

  it('C1: a source error closes the others; the failed one is not closed', async () => {
    const error = new Error('a failed');
    const a = probe({ name: 'a', throwAt: 1, error });
    const b = probe({ name: 'b' });
    const stage = zip(a, b);
    await stage.next();
    expect(await outcome(stage.next())).toEqual({ ok: false, value: error });
    expect([a.calls.return, b.calls.return]).toEqual([0, 1]);
  });

  it('C4: break closes every source concurrently and waits for all', async () => {
    const log: string[] = [];
    const stage = zip(probe({ name: 'a', log, returnTicks: 4 }), probe({ name: 'b', log, returnTicks: 4 }));
    await stage.next();
    await stage.return();
    const closes = log.filter((e) => e.includes('return'));
    expect(closes.slice(0, 2).sort()).toEqual(['a:return:start', 'b:return:start']);
    expect(closes.slice(2).sort()).toEqual(['a:return:end', 'b:return:end']);
  });

  it('C5: several close errors arrive as one AggregateError', async () => {
    const e1 = new Error('a close');
    const e2 = new Error('b close');
    const stage = zip(probe({ returnError: e1 }), probe({ returnError: e2 }));
    await stage.next();
    const result = await outcome(stage.return());
    expect((result.value as AggregateError).errors).toEqual([e1, e2]);
  });

  it('zip() of nothing is empty', async () => {
    expect(await toArray(zip())).toEqual([]);
  });
});

badInputSuite('zip', [['a source not iterable', () => zip(null as never), TypeError, /zip: sources\[0\]: expected `source`.*`null`/]]);

/** A source whose pending read answers done the moment it is closed; its close takes a few ticks. */
function endsWhenClosed(log: string[] = []): AsyncIterator<number> {
  let answer: ((r: IteratorResult<number>) => void) | undefined;
  return {
    next: () =>
      new Promise<IteratorResult<number>>((resolve) => {
        answer = resolve;
      }),
    return: async () => {
      log.push('return');
      answer?.({ done: true, value: undefined });
      await ticks(5);
      return { done: true, value: undefined };
    },
  };
}

describe('zip: answers after the stop', () => {
  it('a source whose next() throws at once ends the round: the sources after it are never opened', async () => {
    const error = new Error('next threw');
    const throwing: AsyncIterator<number> = {
      next: () => {
        throw error;
      },
    };
    const later = probeIterable({ name: 'later' });
    const stage = zip(throwing, later);
    expect(await outcome(stage.next())).toEqual({ ok: false, value: error });
    expect(later.opened).toHaveLength(0);
    expect(recorded.reports).toEqual([]);
  });

  it('C5: a failure stays the answer when another source, closed because of it, answers done meanwhile', async () => {
    const error = new Error('a failed');
    const failing: AsyncIterator<number> = { next: () => Promise.reject(error) };
    const log: string[] = [];
    const stage = zip(failing, endsWhenClosed(log));
    expect(await outcome(stage.next())).toEqual({ ok: false, value: error });
    expect(log).toEqual(['return']);
    expect(await stage.next()).toEqual({ done: true, value: undefined });
  });
});

describe('zip: a failure after the stop', () => {
  it('C5: a source whose read fails after the zip ended is reported, and the zip stays done', async () => {
    const b = controlled<number>();
    const stage = zip([] as number[], b);
    expect(await stage.next()).toEqual({ done: true, value: undefined });
    expect(b.calls.return).toBe(1); // closed with its read still in flight
    const error = new Error('failed after the close');
    b.fail(error);
    await ticks(5);
    expect(recorded.reports).toEqual([expect.objectContaining({ type: 'late-error', stage: 'zip', error })]);
    expect(await stage.next()).toEqual({ done: true, value: undefined });
  });
});
