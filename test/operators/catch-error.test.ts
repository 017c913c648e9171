import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { catchError, map, pipe, take, toArray, withCleanup, type Exit } from 'iterscope';
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

// The shared suite's "source whose next() rejected" case expects the error to reach the
// consumer: a handler that rethrows does exactly that.
contractSuite('catchError', {
  make: (source, options) =>
    pipe(
      source,
      catchError<number>((error) => {
        throw error;
      }, options),
    ),
});

describe('catchError', () => {
  it('continues with the replacement after the items already passed', async () => {
    const src = probe({ throwAt: 2 });
    expect(await toArray(pipe(src, catchError(() => [10, 11])))).toEqual([0, 1, 10, 11]);
    expect(src.calls.return).toBe(0); // C1: the failed source is finished, not closed
  });

  it('the handler gets the error; rethrowing a new error fails with it', async () => {
    const error = new Error('source');
    const wrapped = new Error('wrapped');
    let seen: unknown;
    const result = await outcome(toArray(pipe(probe({ throwAt: 0, error }), catchError((e) => {
      seen = e;
      throw wrapped;
    }))));
    expect(seen).toBe(error);
    expect(result).toEqual({ ok: false, value: wrapped });
  });

  it("the replacement's own failure is not caught", async () => {
    const second = new Error('replacement failed');
    const result = await outcome(toArray(pipe(probe({ throwAt: 0 }), catchError(() => probe({ throwAt: 1, error: second })))));
    expect(result).toEqual({ ok: false, value: second });
  });

  it('C1: the replacement is opened with the read and closed once when the consumer stops', async () => {
    const replacement = probeIterable();
    expect(await toArray(pipe(probe({ throwAt: 1 }), catchError(() => replacement), take(3)))).toEqual([0, 0, 1]);
    expect(replacement.opened).toHaveLength(1);
    expect(replacement.opened[0]!.calls.return).toBe(1);
  });

  it('C3: an AbortError from the source is not caught', async () => {
    const abort = new DOMException('stopped', 'AbortError');
    let called = false;
    const result = await outcome(toArray(pipe(probe({ throwAt: 0, error: abort }), catchError(() => {
      called = true;
      return [];
    }))));
    expect(result).toEqual({ ok: false, value: abort });
    expect(called).toBe(false);
  });

  it("C3: a stage below ended by its own signal's abort (any reason) is not caught: the abort goes on up", async () => {
    const controller = new AbortController();
    let called = false;
    const exits: Exit[] = [];
    const stage = pipe(
      probe({ parkAt: 0 }),
      map((x: number) => x, { signal: controller.signal }),
      catchError(() => {
        called = true;
        return [];
      }),
      withCleanup((exit: Exit) => {
        exits.push(exit);
      }),
    );
    const pending = outcome(stage.next());
    await Promise.resolve();
    const reason = new Error('client left'); // not an AbortError: only the stage below knows it is an abort
    controller.abort(reason);
    expect(await pending).toEqual({ ok: false, value: reason });
    await stage.return();
    expect(called).toBe(false);
    expect(exits).toEqual([{ outcome: 'aborted', reason }]);
  });

  it('a handler that returns something not iterable fails with a TypeError naming catchError', async () => {
    const result = await outcome(toArray(pipe(probe({ throwAt: 0 }), catchError(() => 42 as never))));
    expect(String(result.value)).toMatch(/catchError: expected `source`/);
  });
});

badInputSuite('catchError', [
  ['handler', () => catchError(1 as never), TypeError, /catchError: expected `handler` to be a function, got `1` \(number\)/],
]);

describe('catchError: a failure after the close', () => {
  it('C5: a read that fails after return() is reported, and the handler is not called for it', async () => {
    const src = controlled<number>();
    const handled: unknown[] = [];
    const stage = pipe(
      src,
      catchError((error) => {
        handled.push(error);
        return [];
      }),
    );
    void stage.next();
    await ticks(5); // the read is in flight
    await stage.return();
    const error = new Error('failed after the close');
    src.fail(error);
    await ticks(5);
    expect(handled).toEqual([]);
    expect(recorded.reports).toEqual([expect.objectContaining({ type: 'late-error', stage: 'catchError', error })]);
  });
});
