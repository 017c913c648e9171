/**
 * Contract violations the property suite found in iterscope, each kept as the shrunk
 * scenario that showed it (every row failed on the code before its fix), run through
 * `checkScenario` exactly as a user of `iterscope/testing` keeps a ContractError. Add a
 * row when fixing what a ContractError found; a direct reproduction, when one reads
 * better than the scenario, goes below the table.
 */
import { describe, expect, it } from 'vitest';
import { aclosing, pipe, take, withCleanup } from 'iterscope';
import { checkScenario, type InvariantName, type Scenario, type Subject } from 'iterscope/testing';

interface Regression {
  /** What broke, as the test's name. */
  readonly name: string;
  /** The contract rule it broke. */
  readonly rule: string;
  /** The subject it was found on; the scenario's generated pipeline when left out. */
  readonly subject?: Subject;
  readonly scenario: Scenario;
  /** The invariants to check; all when left out. */
  readonly invariants?: readonly InvariantName[];
}

const bothFail = (kind: string): Scenario => ({
  sources: [
    { kind: 'async', items: 0, throwAt: 0 },
    { kind: 'async', items: 0, throwAt: 0 },
  ],
  stages: [{ kind, variant: 0 }],
  consumer: { steps: [], end: 'drain' },
  seed: 0,
});

const regressions: readonly Regression[] = [
  {
    // checkPipelines: buffered -> map; the read ahead rejected and waited in the buffer;
    // the consumer's loop body threw (return()) and the buffer was dropped.
    name: 'buffered reports an error it had read ahead when the consumer closes',
    rule: 'C5',
    scenario: {
      sources: [{ kind: 'async', items: 2, throwAt: 2 }],
      stages: [{ kind: 'buffered', variant: 0 }, { kind: 'map', variant: 0 }],
      consumer: { steps: [{ op: 'pending-next' }, { op: 'next' }], end: 'body-throw' },
      seed: 0,
    },
    invariants: ['no-error-lost'],
  },
  {
    // checkPipelines: buffered -> race -> map. The race's other side finished first and
    // closed buffered while its read-ahead was in flight; that read then rejected (the
    // generator's finally threw) and buffered dropped the error.
    name: 'buffered as the losing side of a race reports the read-ahead error that arrived after it closed',
    rule: 'C5',
    scenario: {
      sources: [
        { kind: 'generator', items: 0, returnThrows: true },
        { kind: 'async', items: 0 },
      ],
      stages: [
        { kind: 'buffered', variant: 0 },
        { kind: 'race', variant: 0 },
        { kind: 'map', variant: 0 },
      ],
      consumer: { steps: [], end: 'drain' },
      seed: 0,
    },
    invariants: ['no-error-lost'],
  },
  {
    // checkPipelines: flatMap(concurrency 2) -> map. The consumer's return() closed the
    // inner first (C4) while the outer's last next() was in flight; that next() answered
    // done during the inner's close, flatMap had stopped reading and dropped the answer
    // without noting it, and then closed the finished outer.
    name: 'flatMap does not close an outer source that ended while the inner was closing',
    rule: 'C1',
    scenario: {
      sources: [
        { kind: 'generator', items: 2, returnParks: true, signal: 'honour' },
        { kind: 'async', items: 2, signal: 'honour' },
      ],
      stages: [
        { kind: 'flatMap', variant: 1 },
        { kind: 'map', variant: 0 },
      ],
      consumer: { steps: [{ op: 'next' }, { op: 'next' }, { op: 'pending-next' }, { op: 'next' }], end: 'return' },
      seed: 0,
    },
    invariants: ['closed-once'],
  },
  {
    // checkPipelines (borrow -> take(0), pending-next then drain): the second next()
    // resolved done at once, before the first one and before the cleanup below ran.
    name: 'a next() called while the stage closes on its own is answered after the pending one',
    rule: 'C2',
    scenario: {
      sources: [{ kind: 'async', items: 0 }],
      stages: [{ kind: 'borrow', variant: 0 }, { kind: 'take', variant: 0 }],
      consumer: { steps: [{ op: 'pending-next' }], end: 'drain' },
      seed: 0,
    },
  },
  // checkPipelines: merge(a, b) where both next() calls reject. The first error reached
  // the consumer; the second arrived after merge had stopped and was dropped without a
  // report. zip and race dropped it the same way.
  ...['merge', 'zip', 'race'].map((kind): Regression => ({
    name: `${kind}: a sibling error after the stage stopped reaches onReport`,
    rule: 'C5',
    scenario: bothFail(kind),
    invariants: ['no-error-lost'],
  })),
  {
    // checkPipelines: flatMap (unbounded concurrency) reading ahead from the outer
    // source; its next() rejected after throw() had stopped the stage.
    name: 'flatMap reports the outer source failing after the consumer threw in',
    rule: 'C5',
    scenario: {
      sources: [{ kind: 'async', items: 3, throwAt: 3 }, { kind: 'async', items: 1 }],
      stages: [{ kind: 'flatMap', variant: 2 }],
      consumer: { steps: [{ op: 'next' }, { op: 'next' }, { op: 'next' }], end: 'throw' },
      seed: 0,
    },
    invariants: ['no-error-lost'],
  },
  {
    // checkContract over aclosing: the sync-iterator adapter closed the sync iterator
    // after the rejected item and dropped the error its return() threw.
    name: 'the sync adapter keeps the close error of a sync source whose item rejected',
    rule: 'C5',
    subject: ({ source, signal }) => aclosing(source, { signal }),
    scenario: {
      sources: [{ kind: 'sync', items: 0, throwAt: 0, returnThrows: true }],
      stages: [],
      consumer: { steps: [], end: 'drain' },
      seed: 0,
    },
  },
  {
    // checkPipelines: the adapter closed the sync iterator after the rejected item, and
    // the stage, closed by the consumer while that read was pending, closed it again.
    name: 'map over a sync source whose item rejects, closed while that read is in flight, closes it once',
    rule: 'C1',
    scenario: {
      sources: [{ kind: 'sync', items: 0, throwAt: 0 }],
      stages: [{ kind: 'map', variant: 0 }],
      consumer: { steps: [{ op: 'pending-next' }], end: 'return' },
      seed: 0,
    },
    invariants: ['closed-once'],
  },
  {
    // checkPipelines: buffered -> map. Two reads ahead; the second item's promise rejected
    // and the sync adapter closed the iterator (as `for await` does); delivering the first
    // item read ahead again, before buffered had seen the rejection, and the adapter
    // passed that read on to the closed iterator.
    name: 'buffered(2) does not read a sync source the adapter closed after a rejected item',
    rule: 'C1',
    scenario: {
      sources: [
        { kind: 'sync', items: 1, throwAt: 1, signal: 'honour', jitter: 1 },
        { kind: 'async', items: 0, signal: 'honour' },
      ],
      stages: [
        { kind: 'buffered', variant: 1 },
        { kind: 'map', variant: 0 },
      ],
      consumer: { steps: [], end: 'drain' },
      seed: -504797606,
    },
    invariants: ['closed-once'],
  },
  {
    // checkPipelines: flatMap (concurrency 2) read the next outer item while the consumer
    // was not waiting; fn threw, the stage stopped, and the next next() resolved done: the
    // error was lost and done came before the source finished closing.
    name: 'flatMap whose fn throws on an item read ahead hands the error to the consumer',
    rule: 'C5',
    scenario: {
      sources: [{ kind: 'async', items: 2 }, { kind: 'async', items: 1 }],
      stages: [{ kind: 'flatMap', variant: 7 }, { kind: 'map', variant: 0 }],
      consumer: { steps: [], end: 'drain' },
      seed: 0,
    },
  },
  {
    // checkPipelines: flatMap -> merge -> flatMap(fn throws on item 1) -> map; the consumer
    // read one item and closed; the read-ahead error was dropped.
    name: 'flatMap failing while reading ahead, then closed by the consumer, reports the error',
    rule: 'C5',
    scenario: {
      sources: [{ kind: 'async', items: 1 }],
      stages: [
        { kind: 'flatMap', variant: 0 },
        { kind: 'merge', variant: 0 },
        { kind: 'flatMap', variant: 7 },
        { kind: 'map', variant: 0 },
      ],
      consumer: { steps: [{ op: 'next' }], end: 'return' },
      seed: 0,
    },
    invariants: ['no-error-lost'],
  },
];

describe('regressions: shrunk scenarios the property suite found', () => {
  const rows = regressions.map((row) => [`${row.rule}: ${row.name}`, row] as const);
  it.each(rows)('%s', async (_title, { subject, scenario, invariants }) => {
    const violations = await checkScenario(subject ?? 'pipeline', scenario, invariants === undefined ? undefined : { invariants });
    expect(violations).toEqual([]);
  });
});

describe('regressions: direct reproductions', () => {
  it('C2: a next() called while the stage closes on its own waits for the cleanup, in order', async () => {
    const order: string[] = [];
    const stage = pipe(
      [1, 2, 3],
      withCleanup(async () => {
        await Promise.resolve();
        order.push('cleanup');
      }),
      take(0),
    );
    const first = stage.next().then(() => order.push('first'));
    const second = stage.next().then(() => order.push('second'));
    await Promise.all([first, second]);
    expect(order).toEqual(['cleanup', 'first', 'second']);
  });
});
