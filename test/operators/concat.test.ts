import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { aclosing, concat, toArray } from 'iterscope';
import { badInputSuite, contractSuite, outcome } from '../helpers/contract.js';
import { probe, probeIterable, recordReports } from '../helpers/probe.js';

let recorded: ReturnType<typeof recordReports>;
beforeEach(() => {
  recorded = recordReports();
});
afterEach(() => {
  recorded.stop();
});

contractSuite('concat', { make: (source, options) => aclosing(concat([], source), options) });

describe('concat', () => {
  it('reads the sources one after the other', async () => {
    expect(await toArray(concat([1, 2], probe({ items: 2 }), ['x']))).toEqual([1, 2, 0, 1, 'x']);
  });

  it('C1: an iterable opens only when its turn comes', async () => {
    const later = probeIterable({ items: 1 });
    const stage = concat([1], later);
    await stage.next();
    expect(later.opened).toHaveLength(0);
    await stage.next();
    expect(later.opened).toHaveLength(1);
    await stage.return();
  });

  it('C1: an iterator passed in is closed on an early stop even if its turn never came', async () => {
    const first = probe({ name: 'first' });
    const second = probe({ name: 'second' });
    const stage = concat(first, second);
    await stage.next();
    await stage.return();
    expect([first.calls.return, second.calls.return]).toEqual([1, 1]);
    expect(second.calls.next).toBe(0);
  });

  it('C5: close errors of the current and a waiting iterator arrive as one AggregateError', async () => {
    const e1 = new Error('first close');
    const e2 = new Error('second close');
    const stage = concat(probe({ returnError: e1 }), probe({ returnError: e2 }));
    await stage.next();
    const result = await outcome(stage.return());
    expect((result.value as AggregateError).errors).toEqual([e1, e2]);
  });

  it('a source error ends the stream and closes the sources still waiting', async () => {
    const error = new Error('boom');
    const waiting = probe({ name: 'waiting' });
    const stage = concat(probe({ throwAt: 0, error }), waiting);
    expect(await outcome(stage.next())).toEqual({ ok: false, value: error });
    expect(waiting.calls.return).toBe(1);
  });
});

badInputSuite('concat', [['a source not iterable', () => concat([], {} as never), TypeError, /concat: sources\[1\]: expected `source`.*an object/]]);
