/**
 * Three cases where the harness blamed a foreign library for what was no bug of its own
 * (each once reported by the ecosystem corpus on Repeater or excused there as the
 * language's): it no longer does, a subject that really has the bug still fails, and
 * `strict` (iterscope's own bar) is as strict as before.
 */
import { describe, expect, it } from 'vitest';
import { checkScenario, ticks, type Scenario, type Subject } from 'iterscope/testing';

const DONE = { done: true as const, value: undefined };
const asAsync = (s: unknown): AsyncIterable<number> => s as AsyncIterable<number>;

describe('an item decided before the close and seen after it (prompt-settlement)', () => {
  // A read, then a read left pending when return() comes.
  const pendingAtClose: Scenario = {
    sources: [{ kind: 'async', items: 3 }],
    stages: [],
    consumer: { steps: [{ op: 'next' }, { op: 'pending-next' }], end: 'return' },
    seed: 1,
  };

  it('held already and handed over through ticks of its own: no finding', async () => {
    // Reads two items at a time, and takes some ticks to hand each one over (Repeater's
    // promise chains): the pending read's item was in its hands before the close.
    const overhead: Subject = ({ source }) => {
      const it = asAsync(source)[Symbol.asyncIterator]();
      const held: IteratorResult<number>[] = [];
      return {
        next: async () => {
          if (held.length === 0) held.push(await it.next(), await it.next());
          await ticks(6);
          return held.shift() ?? DONE;
        },
        return: async () => (await it.return?.()) ?? DONE,
      };
    };
    expect(await checkScenario(overhead, pendingAtClose, { invariants: ['prompt-settlement'] })).toEqual([]);
    // iterscope hands it over within a tick.
    const strict = await checkScenario(overhead, pendingAtClose, { strict: true, invariants: ['prompt-settlement'] });
    expect(strict.map((v) => v.message)).toContainEqual(expect.stringMatching(/resolved with an item \d+ ticks later instead of done/));
  });

  it('read from the source after the close: a finding', async () => {
    // Starts its read late and closes its source later still: the item comes after the close.
    const readsAfter: Subject = ({ source }) => {
      const it = asAsync(source)[Symbol.asyncIterator]();
      return {
        next: async () => {
          await ticks(4);
          return it.next();
        },
        return: async () => {
          await ticks(12);
          return (await it.return?.()) ?? DONE;
        },
      };
    };
    const violations = await checkScenario(readsAfter, pendingAtClose, { invariants: ['prompt-settlement'] });
    expect(violations.map((v) => v.message)).toEqual([expect.stringMatching(/resolved with an item \d+ ticks later instead of done/)]);
  });
});

describe('a wait on a generator source running its own finally (return-bounded)', () => {
  // return() behind a pending read, as every `async function*` does (the language queues it).
  const passThrough: Subject = ({ source }) =>
    (async function* () {
      for await (const item of asAsync(source)) yield item;
    })();
  const closeBehindRead = (source: Scenario['sources'][number]): Scenario => ({
    sources: [source],
    stages: [],
    consumer: { steps: [{ op: 'pending-next' }], end: 'return' },
    seed: 1,
  });

  it('the source finished and parks in its finally: waiting on it is waiting on a close', async () => {
    const cleaning = closeBehindRead({ kind: 'generator', items: 0, returnParks: true });
    expect(await checkScenario(passThrough, cleaning, { invariants: ['return-bounded'] })).toEqual([]);
    expect(await checkScenario(passThrough, cleaning, { strict: true, invariants: ['return-bounded'] })).toEqual([]);
  });

  it('the source parks in the middle of the stream, never asked to close: a finding', async () => {
    const parked = closeBehindRead({ kind: 'generator', items: 3, parkAt: 0 });
    const violations = await checkScenario(passThrough, parked, { invariants: ['return-bounded'] });
    expect(violations.map((v) => v.message)).toEqual([expect.stringMatching(/waited on a parked source \(source#0\) that was never asked to close/)]);
  });
});

describe('a close error in the return() that for await discards (no-error-lost, body-throw)', () => {
  // The loop body throws; the source's close fails.
  const bodyThrows: Scenario = {
    sources: [{ kind: 'async', items: 3, returnThrows: true }],
    stages: [],
    consumer: { steps: [{ op: 'next' }], end: 'body-throw' },
    seed: 1,
  };

  it('handed on by return(): the language dropped it, not the subject', async () => {
    const handsOn: Subject = ({ source }) => {
      const it = asAsync(source)[Symbol.asyncIterator]();
      return { next: () => it.next(), return: async () => (await it.return?.()) ?? DONE };
    };
    expect(await checkScenario(handsOn, bodyThrows, { invariants: ['no-error-lost'] })).toEqual([]);
    // iterscope stages have onReport for it: strict still asks for it.
    const strict = await checkScenario(handsOn, bodyThrows, { strict: true, invariants: ['no-error-lost'] });
    expect(strict.map((v) => v.message)).toEqual([expect.stringMatching(/return\(\) failed .* was lost/)]);
  });

  it('swallowed by return(): a finding', async () => {
    const swallows: Subject = ({ source }) => {
      const it = asAsync(source)[Symbol.asyncIterator]();
      return {
        next: () => it.next(),
        return: async () => {
          await it.return?.().catch(() => undefined);
          return DONE;
        },
      };
    };
    const violations = await checkScenario(swallows, bodyThrows, { invariants: ['no-error-lost'] });
    expect(violations.map((v) => v.message)).toEqual([expect.stringMatching(/return\(\) failed .* was lost/)]);
  });
});
