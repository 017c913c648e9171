import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { from as ixFrom, merge as ixMerge, race as ixRace, zip as ixZip } from 'ix/asynciterable';
import { catchError, map as ixMap, takeUntil } from 'ix/asynciterable/operators';
import { aclosing, filter, map, merge, pipe, take, toArray, withCleanup } from 'iterscope';
import { watch } from '../helpers/contract.js';
import { probe, recordReports, ticks, type Probe } from '../helpers/probe.js';

let recorded: ReturnType<typeof recordReports>;
beforeEach(() => {
  recorded = recordReports();
});
afterEach(() => {
  recorded.stop();
});

describe('iterscope operators inside AsyncIterableX#pipe', () => {
  it('run and keep closing their source', async () => {
    const src = probe();
    const out = await toArray(ixFrom(src).pipe(map((x: number) => x * 2), take(3)));
    expect(out).toEqual([0, 2, 4]);
    expect(src.calls.return).toBe(1);
  });

  it('a chain that changes type runs as one composed function', async () => {
    const stage = ixFrom([1, 2, 3]).pipe((s) =>
      pipe(
        s,
        map((x: number) => `#${String(x)}`),
        filter((x: string) => x !== '#2'),
      ),
    );
    expect(await toArray(stage)).toEqual(['#1', '#3']);
  });
});

describe('ix iterables and operators as iterscope sources', () => {
  it('read through iterscope operators', async () => {
    const ix = ixFrom([1, 2, 3]).pipe(ixMap((x: number) => x + 1));
    expect(await toArray(pipe(ix, map((x: number) => x * 10)))).toEqual([20, 30, 40]);
  });

  it('an ix source that takes a signal in [Symbol.asyncIterator](signal) receives ours', async () => {
    let seen: AbortSignal | undefined;
    const ix = ixFrom([1, 2]).pipe(
      ixMap((x: number, _i: number, signal?: AbortSignal) => {
        seen = signal;
        return x;
      }),
    );
    const controller = new AbortController();
    expect(await toArray(aclosing(ix, { signal: controller.signal }))).toEqual([1, 2]);
    // The stage's close signal: it would abort with the controller's reason, and it aborted
    // when the stage finished (C3).
    expect(seen).toBeInstanceOf(AbortSignal);
    expect(seen?.aborted).toBe(true);
  });

  it('C1: breaking an iterscope chain closes the ix source, which closes its own (map does)', async () => {
    const src = probe();
    await toArray(pipe(ixFrom(src).pipe(ixMap((x: number) => x)), take(1)));
    expect(src.calls.return).toBe(1);
  });
});

/** Break out of `iterable` after one item. */
async function breakAfterOne(iterable: AsyncIterable<unknown>): Promise<void> {
  for await (const x of iterable) {
    if (x !== Symbol.for('never')) break;
  }
}

describe('ix operators that break the contract, and the boundary that restores it', () => {
  const leaky: [string, (a: Probe, b: Probe) => AsyncIterable<unknown>][] = [
    ['merge', (a, b) => ixMerge(a, b)],
    ['zip', (a, b) => ixZip(a, b)],
    ['race', (a, b) => ixRace(a, b)],
    ['takeUntil', (a) => ixFrom(a).pipe(takeUntil(() => new Promise<void>(() => undefined)))],
    ['catchError', (a) => ixFrom(a).pipe(catchError(() => ixFrom<number>([])))],
  ];

  it.each(leaky)('ix %s leaves its sources open on break', async (_name, make) => {
    const a = probe({ name: 'a' });
    const b = probe({ name: 'b' });
    await breakAfterOne(make(a, b));
    await ticks(10);
    expect(a.calls.return + b.calls.return).toBe(0);
  });

  it.each(leaky)('with its inputs owned by iterscope stages tied to the chain, every source is closed (%s)', async (_name, make) => {
    const a = probe({ name: 'a' });
    const b = probe({ name: 'b' });
    // The boundary: the inputs are iterscope stages bound to one scope signal, and the
    // chain's own cleanup aborts the scope. Whatever ix forgets, the scope closes.
    const scope = new AbortController();
    const stream = pipe(
      make(aclosing(a, { signal: scope.signal }) as unknown as Probe, aclosing(b, { signal: scope.signal }) as unknown as Probe),
      withCleanup(() => {
        scope.abort(new Error('stream closed'));
      }),
    );
    await breakAfterOne(stream);
    await ticks(10);
    expect(a.calls.return).toBe(1);
    expect(b.calls.return).toBe(1);
  });

  it('ix merge replaced by iterscope merge closes every source on its own', async () => {
    const a = probe({ name: 'a' });
    const b = probe({ name: 'b' });
    await breakAfterOne(merge(a, b));
    expect([a.calls.return, b.calls.return]).toEqual([1, 1]);
  });

  it('C2: an ix chain over a parked source never settles return(); an iterscope boundary settles it at once', async () => {
    const parkedIx = ixFrom(probe({ parkAt: 0 })).pipe(ixMap((x: number) => x));
    const ixIterator = parkedIx[Symbol.asyncIterator]();
    void ixIterator.next();
    const ixClose = watch(Promise.resolve(ixIterator.return?.()));
    await ticks(20);
    expect(ixClose.settled).toBe(false);

    const src = probe({ parkAt: 0 });
    const stage = aclosing(ixFrom(src).pipe(ixMap((x: number) => x)), { closeTimeout: 5 });
    const pending = watch(stage.next());
    await ticks(5);
    const closing = stage.return();
    await ticks(2);
    expect(pending.settled).toBe(true);
    expect(pending.value).toEqual({ done: true, value: undefined });
    await closing; // resolves at the close deadline; the parked ix generator is reported
    expect(recorded.reports.some((r) => r.type === 'straggler')).toBe(true);
  });

  it('C3: abort reaches the consumer at once through an iterscope boundary, even over a parked ix chain', async () => {
    const controller = new AbortController();
    const stage = aclosing(ixFrom(probe({ parkAt: 0 })).pipe(ixMap((x: number) => x)), {
      signal: controller.signal,
      closeTimeout: 5,
    });
    const pending = stage.next();
    const reason = new Error('leave');
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
  });
});
