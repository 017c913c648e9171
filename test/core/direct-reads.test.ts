import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { endWith, filter, map, toArray, withCleanup, type Exit, type Report } from 'iterscope';
import { recordReports } from '../helpers/probe.js';
import { collectUntil } from '../helpers/collect.js';

// A stage reading another iterscope stage asks it for each item with two callbacks instead of
// awaiting its next(): no promise per hop between stages built one by one (outside pipe).


/** Frames on the stack here (the limit raised for the count, then put back). */
function stackDepth(): number {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = Infinity;
  const depth = (new Error().stack ?? '').split('\n').length - 1;
  Error.stackTraceLimit = limit;
  return depth;
}

let recorded: ReturnType<typeof recordReports>;
beforeEach(() => {
  recorded = recordReports();
});
afterEach(() => {
  recorded.stop();
});

describe('direct reads between stages', () => {
  it("a stage reads the stage below without its next(), item after item and the end", async () => {
    const inner = map((x: number) => x + 1)([1, 2, 3]);
    const next = vi.spyOn(inner, 'next');
    const outer = map((x: number) => x * 10)(inner);
    expect(await toArray(filter((x: number) => x !== 30)(outer))).toEqual([20, 40]);
    expect(next).not.toHaveBeenCalled();
  });

  it('a stage below that had already finished answers its end to the stage reading it', async () => {
    const inner = map((x: number) => x + 1)([1]);
    expect(await toArray(inner)).toEqual([2]);
    const outer = map((x: number) => x * 10)(inner);
    expect(await outer.next()).toEqual({ done: true, value: undefined });
  });

  it('items the stage below holds are taken without growing the stack (a filter skipping 50,000 of them)', async () => {
    const values = Array.from({ length: 50_000 }, (_, i) => i);
    // Once its source has ended, endWith answers each read at once, inside the read (its
    // flush): the filter above skips and reads again, and each answer must wait its turn
    // instead of nesting in the one before. (startWith's items come a microtask later, so
    // they would not tell.)
    let deepest = 0;
    const last = filter((x: number) => {
      if (x % 5_000 === 0) deepest = Math.max(deepest, stackDepth());
      return x === 49_999;
    })(endWith(...values)([] as number[]));
    expect(await toArray(last)).toEqual([49_999]);
    expect(deepest).toBeLessThan(50);
  });

  it('C1: a reading stage that closes the stage below from inside its answer gets no read after the close', async () => {
    const log: string[] = [];
    let closed = false;
    let n = 0;
    const source: AsyncIterator<number> = {
      next: () => {
        log.push(closed ? 'next after return' : 'next');
        return Promise.resolve({ done: false, value: n++ });
      },
      return: () => {
        closed = true;
        log.push('return');
        return Promise.resolve({ done: true, value: undefined });
      },
    };
    const below = map((x: number) => x)(source);
    const above = map((): number => {
      throw new Error('boom');
    })(below);
    const first = above.next(); // the head of below's line: a direct read
    const second = below.next(); // queued behind it
    await expect(first).rejects.toThrow('boom');
    expect(await second).toEqual({ done: true, value: undefined });
    expect(log).toEqual(['next', 'return']);
  });

  it('the done a consumer receives is an object of its own, though the stages below hand each other one shared done', async () => {
    // Closing a chain answers each stage's direct reader with one shared, frozen done
    // (outlet.ts); a next() must never receive that one.
    const parked: AsyncIterator<number> = { next: () => new Promise(() => undefined) };
    const top = map((x: number) => x)(map((x: number) => x)(map((x: number) => x)(parked)));
    const pending = top.next();
    await top.return();
    const first = await pending;
    const later = await top.next();
    expect(first).toEqual({ done: true, value: undefined });
    expect(Object.isFrozen(first) || Object.isFrozen(later)).toBe(false);
    expect(first).not.toBe(later);
    // A stage below that finished answers the stage reading it with done, and that stage's
    // consumer gets a done of its own too.
    const below = map((x: number) => x)([1]);
    const above = map((x: number) => x)(below);
    expect(await above.next()).toEqual({ done: false, value: 1 });
    const end = await above.next();
    expect(end).toEqual({ done: true, value: undefined });
    expect(Object.isFrozen(end)).toBe(false);
  });

  it('C7: a chain of separate stages dropped while parked on a foreign source is collected and reported', async () => {
    const exits: Exit[] = [];
    await (async () => {
      async function* stalls() {
        yield 1;
        await new Promise(() => undefined); // the upstream stalls forever
      }
      const below = withCleanup<number>((exit) => exits.push(exit))(stalls());
      const stream = map((x: number) => x)(map((x: number) => x)(below));
      await stream.next();
      void stream.next(); // parked: each stage holds the direct read of the one above
    })();
    const abandoned = (): Report[] => recorded.reports.filter((r) => r.type === 'abandoned');
    await collectUntil(() => exits.length > 0 && abandoned().length > 0);
    expect(exits).toEqual([{ outcome: 'abandoned' }]);
    expect(abandoned()).toEqual([{ type: 'abandoned', stage: 'map', createdAt: undefined }]);
  });
});
