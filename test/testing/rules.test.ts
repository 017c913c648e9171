/**
 * The harness's rules (docs/contract.md, "How the harness judges a run"), each shown on a
 * small hand-written subject: what must be a finding is one, what must not is not.
 */
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { catchError, pipe } from 'iterscope';
import { checkPipelines, checkScenario, stageKind, type Scenario, type StageKind, type Subject } from 'iterscope/testing';

const asAsync = (s: unknown): AsyncIterable<number> => s as AsyncIterable<number>;
const DONE = { done: true as const, value: undefined };

/** One pending next(), aborted at tick 3 while it waits. */
const abortWhilePending: Scenario = {
  sources: [{ kind: 'async', items: 3, parkAt: 0, signal: 'honour' }],
  stages: [],
  consumer: { steps: [], end: 'drain', abortAt: 3, abortReason: 'object' },
  seed: 1,
};

describe('C3 rule 1: decided before the abort, seen after it', () => {
  it('an answer settled before the abort stands', async () => {
    // Settles its next() with done at once; the abort comes later and changes nothing.
    const subject: Subject = () => ({
      next: () => Promise.resolve(DONE),
      return: () => Promise.resolve(DONE),
    });
    const scenario: Scenario = { ...abortWhilePending, consumer: { ...abortWhilePending.consumer, abortAt: 1 } };
    expect(await checkScenario(subject, scenario, { strict: true, invariants: ['abort-reason'] })).toEqual([]);
  });

  it('a next() still unsettled at the abort must reject with the reason, not resolve done', async () => {
    // Answers done when the signal fires: the abort lost to an answer decided after it.
    const subject: Subject = ({ signal }) => ({
      next: () => new Promise((resolve) => { signal.addEventListener('abort', () => { resolve(DONE); }); }),
      return: () => Promise.resolve(DONE),
    });
    const violations = await checkScenario(subject, abortWhilePending, { strict: true, invariants: ['abort-reason'] });
    expect(violations.map((v) => v.message)).toEqual([expect.stringMatching(/still unsettled at the abort .* resolved \(done\)/)]);
  });

  it('rejecting with the exact reason passes', async () => {
    const subject: Subject = ({ signal }) => ({
      // Rejects with the exact reason, whatever it is (a plain object here).
      next: () => new Promise((_resolve, reject) => { signal.addEventListener('abort', () => { reject(signal.reason as Error); }); }),
      return: () => Promise.resolve(DONE),
    });
    expect(await checkScenario(subject, abortWhilePending, { strict: true, invariants: ['abort-reason'] })).toEqual([]);
  });
});

describe('noise that is not a finding without strict', () => {
  // Reads its source to the end, then closes it once more: harmless, and only strict flags it.
  const closesAfterDone: Subject = ({ source }) => {
    const it = asAsync(source)[Symbol.asyncIterator]();
    return {
      next: async () => {
        const result = await it.next();
        if (result.done === true) await it.return?.();
        return result;
      },
      return: async () => (await it.return?.()) ?? DONE,
    };
  };
  const drain: Scenario = { sources: [{ kind: 'async', items: 1 }], stages: [], consumer: { steps: [], end: 'drain' }, seed: 1 };

  it('a redundant close after done', async () => {
    expect(await checkScenario(closesAfterDone, drain, { invariants: ['closed-once'] })).toEqual([]);
    const strict = await checkScenario(closesAfterDone, drain, { strict: true, invariants: ['closed-once'] });
    expect(strict.map((v) => v.message)).toEqual([expect.stringMatching(/closed after it had finished/)]);
  });

  it('a subject without throw() gets return(), and the thrown-in error is not expected back', async () => {
    const noThrow: Subject = ({ source }) => {
      const it = asAsync(source)[Symbol.asyncIterator]();
      return { next: () => it.next(), return: async () => (await it.return?.()) ?? DONE };
    };
    const scenario: Scenario = { sources: [{ kind: 'async', items: 3 }], stages: [], consumer: { steps: [{ op: 'next' }], end: 'throw' }, seed: 1 };
    expect(await checkScenario(noThrow, scenario, { invariants: ['no-error-lost', 'closed-once'] })).toEqual([]);
  });

  it('a throw() forwarded to a generator source completes it: that is its close', async () => {
    const forwards: Subject = ({ source }) => {
      const it = asAsync(source)[Symbol.asyncIterator]() as AsyncGenerator<number>;
      return { next: () => it.next(), return: () => it.return(undefined), throw: (e: unknown) => it.throw(e) };
    };
    const scenario: Scenario = { sources: [{ kind: 'generator', items: 3 }], stages: [], consumer: { steps: [{ op: 'next' }], end: 'throw' }, seed: 1 };
    expect(await checkScenario(forwards, scenario, { invariants: ['closed-once', 'no-error-lost'] })).toEqual([]);
  });
});

describe('a generated pipeline stays small enough to drain', () => {
  // Found by a 100,000-scenario soak: six items (a source and its merge sibling) through
  // five flatMaps of three-item inner sources made 1,458 items, and the draining consumer
  // gave up after 1,000 reads, reporting a stream that did not end and the sources it had
  // opened as leaked.
  it('five nested flatMaps over a merge: the stream ends, every source closed', async () => {
    const scenario: Scenario = {
      sources: [{ kind: 'async', given: 'iterable', items: 3, signal: 'honour' }],
      stages: [{ kind: 'merge', variant: 0 }, ...Array.from({ length: 5 }, () => ({ kind: 'flatMap', variant: 0 }))],
      consumer: { steps: [], end: 'drain' },
      seed: 0,
    };
    expect(await checkScenario('pipeline', scenario)).toEqual([]);
  });
});

describe('the event loop turns when microtasks go quiet', () => {
  const read3: Scenario = { sources: [{ kind: 'async', items: 3 }], stages: [], consumer: { steps: [{ op: 'next' }], end: 'drain' }, seed: 1 };

  it('a subject that waits on timers and setImmediate settles', async () => {
    const slow: Subject = ({ source }) => {
      const it = asAsync(source)[Symbol.asyncIterator]();
      return {
        next: async () => {
          await new Promise((resolve) => setTimeout(resolve, 2));
          await new Promise((resolve) => setImmediate(resolve));
          return it.next();
        },
        return: async () => (await it.return?.()) ?? DONE,
      };
    };
    expect(await checkScenario(slow, read3, { invariants: ['settles', 'closed-once'] })).toEqual([]);
  });

  it("node:stream's Readable.from is checkable: no false 'never settled'", async () => {
    const readable: Subject = ({ source }) => Readable.from(asAsync(source))[Symbol.asyncIterator]();
    expect(await checkScenario(readable, read3, { invariants: ['settles', 'closed-once'] })).toEqual([]);
  });

  it('a subject that keeps busy on timers and never answers meets its time limit', async () => {
    // Opens a new source every millisecond (so something always moves) and never answers;
    // it stops on its own after 400 ms so nothing outlives the test.
    const busy: Subject = ({ probe }) => ({
      next: () =>
        new Promise(() => {
          const until = Date.now() + 400;
          const spin = (): void => {
            void asAsync(probe())[Symbol.asyncIterator]().next();
            if (Date.now() < until) setTimeout(spin, 1);
          };
          spin();
        }),
      return: () => Promise.resolve(DONE),
    });
    const violations = await checkScenario(busy, read3, { invariants: ['settles'], timeLimit: 100 });
    expect(violations.map((v) => v.message)).toContainEqual(expect.stringMatching(/time limit of 100 ms/));
    await new Promise((resolve) => setTimeout(resolve, 450));
  });
});

describe('errors a stage handles on purpose', () => {
  // A stage that recovers from its source's error (catchError to an empty source): the
  // error reaches neither the consumer nor onReport, by design.
  const recovers = (mark: boolean): StageKind =>
    stageKind('recovers', (source, { handled }) =>
      pipe(source as AsyncIterable<number>, catchError((error) => {
        if (mark) handled(error);
        return [];
      })));
  const failing: Scenario = { sources: [{ kind: 'async', items: 3, throwAt: 1 }], stages: [{ kind: 'recovers', variant: 0 }], consumer: { steps: [], end: 'drain' }, seed: 1 };
  const options = { builtins: false, runs: 1, seed: 1, abort: false, invariants: ['no-error-lost'] as const, examples: [failing] };

  it('an error nobody marked is lost', async () => {
    await expect(checkPipelines({ ...options, stages: [recovers(false)] })).rejects.toThrow(/no-error-lost: ProbeError: source#0: next\(\) failed at step 1 was lost/);
  });

  it('one marked with handled() is not', async () => {
    expect((await checkPipelines({ ...options, stages: [recovers(true)] })).runs).toBe(1);
  });
});
