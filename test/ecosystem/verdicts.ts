/**
 * The ground truth: for each subject of the corpus, every invariant it breaks under the
 * fixed seed, and the hand-written reproduction (in `repro/`) that shows the bug with the
 * library alone. Every invariant not listed holds. `ecosystem.test.ts` checks the harness
 * against this table; `report.ts` turns it into docs/ecosystem.md.
 */
import type { InvariantName, Scenario } from 'iterscope/testing';

export interface Finding {
  /** The invariant the subject breaks. */
  readonly invariant: InvariantName;
  /** What goes wrong, in one line. */
  readonly what: string;
  /** The reproduction: a file in `repro/` and the name of the test in it. */
  readonly repro: { readonly file: string; readonly test: string };
  /**
   * Set when the fixed-seed run misses the bug: a scenario, written by hand, in which the
   * harness does report it (a gap in what the scenarios cover, not in the checks).
   */
  readonly missed?: Scenario | undefined;
  /**
   * Set when Node fixed the bug in this major: the finding holds on older Node only, and
   * the harness must not report it from this major on.
   */
  readonly nodeBelow?: number | undefined;
}

const nodeMajor = Number(process.versions.node.split('.')[0]);

/** The findings of `key` on the Node this runs on (those Node fixed since are left out). */
export function findingsHere(key: string): readonly Finding[] {
  return (verdicts[key] ?? []).filter((f) => f.nodeBelow === undefined || nodeMajor < f.nodeBelow);
}

/**
 * A violation the harness reports that is not the library's bug: the library keeps the
 * invariant, the harness judges it wrongly. Kept in the table (not excused) so the test
 * notices when the harness is fixed; shown as noise on the page, with the replay.
 */
export interface Noise {
  readonly invariant: InvariantName;
  /** Why the library is right. */
  readonly why: string;
  /** Where the harness reports it: pass these to `checkContract` with the subject's options. */
  readonly replay: { readonly seed: number; readonly path: string };
}

/** Harness noise per subject (same keys as {@link verdicts}). */
export const noise: Readonly<Record<string, readonly Noise[]>> = {};

const readableStreamSyncLeft = 'closed-once and cleanup-order: return() before the first read leaves a sync source open (Node 20 and 22)';

const generatorWaitsTest = 'prompt-settlement and return-bounded: return() waits behind a pending next() on a source it never asks to close, which then resolves with an item';

/** A read parked on the source, left pending, then `return()`: the case the fixed-seed run does not generate for these. */
const parkedRead: Scenario = {
  sources: [{ kind: 'async', items: 3, parkAt: 0 }],
  stages: [],
  consumer: { steps: [{ op: 'pending-next' }], end: 'return' },
  seed: 0,
};

const generatorWaits = (repro: Finding['repro']): Finding => ({
  invariant: 'return-bounded',
  what: 'an `async function*`: `return()` waits on a parked read of a source it does not ask to close until that read is answered',
  repro,
});
/** The same, where the fixed-seed run still misses it (a subject run with aborts, which the parked-read case leaves out). */
const generatorWaitsMissed = (repro: Finding['repro']): Finding => ({ ...generatorWaits(repro), missed: parkedRead });

const ixOp = (operator: string, test: string): Finding['repro'] => ({ file: 'ix.test.ts', test: `${operator}, ${test}` });

const ixCommon = (operator: string, closedOnce?: Omit<Finding, 'invariant'>): Finding[] => [
  {
    invariant: 'prompt-settlement',
    what: 'an `async function*`: `return()` queues behind a pending `next()`, which then resolves with an item read after the close',
    repro: ixOp(operator, generatorWaitsTest),
    // Run with aborts, the fixed seed closes with a read pending on one source only where it
    // had already answered (an item that crossed the close, which is no finding); two
    // sources (merge) give the case where the item is read after the close.
    missed: operator === 'merge' ? undefined : parkedRead,
  },
  ...(operator === 'merge' ? [] : [generatorWaitsMissed(ixOp(operator, generatorWaitsTest))]),
  {
    invariant: 'closed-once',
    what: 'an iterator handed over open is never closed when the signal aborted before the first read',
    repro: ixOp(operator, 'closed-once: an iterator handed over open is never closed when the signal aborted before the first read'),
    ...closedOnce,
  },
  {
    invariant: 'no-error-lost',
    what: "the source's close error is dropped when an abort ends the read (only ix's `AbortError` comes out)",
    repro: ixOp(operator, "no-error-lost: the close error of the source is dropped when an abort ends the read"),
  },
];

const ixAbortDone = (operator: string): Finding => ({
  invariant: 'abort-reason',
  what: 'a `next()` pending at the abort waits for the source, and resolves `done` when the source ends after the abort',
  repro: ixOp(operator, 'abort-reason: a next() pending at the abort resolves done when the source ends after it'),
});

const itOp = (operator: string, test: string): Finding['repro'] => ({ file: 'it.test.ts', test: `${operator}, ${test}` });
const itCommon = (operator: string): Finding[] => [
  {
    invariant: 'prompt-settlement',
    what: 'an `async function*`: `return()` queues behind a pending `next()`, which then resolves with an item read after the close',
    repro: itOp(operator, generatorWaitsTest),
  },
  {
    invariant: 'no-error-lost',
    what: '`throw()` ends its `for await` with a throw, and the language drops the close error of the source',
    repro: itOp(operator, 'no-error-lost: throw() drops the close error of the source'),
  },
];

const siOp = (test: string): Finding['repro'] => ({ file: 'streaming-iterables.test.ts', test });
const bufferNoReturn = {
  what: 'it has no `return()`: a consumer that stops leaves the source open',
  repro: siOp('buffer, closed-once and cleanup-order: it has no return(), so a loop that breaks leaves the source open'),
};
const mergeWaits = 'merge, prompt-settlement and return-bounded: return() waits behind a pending next() on a source it never asks to close, which then resolves with an item';

const repeaterNeverStarted = {
  what: '`throw()` or `return()` before the first read leaves the sources it opened open (they are closed by the executor, which never ran)',
  repro: { file: 'repeater.test.ts', test: 'closed-once and cleanup-order: throw() or return() before the first read leaves the sources it opened open' },
};

const neverCloses = (operator: string): Omit<Finding, 'invariant'> => ({
  what: '`return()` after a read settles without closing the source (an iterator handed over open is not closed after an early abort either)',
  repro: ixOp(operator, 'closed-once and cleanup-order: return() after a read settles without closing the source'),
});

const readableWaits = 'prompt-settlement and return-bounded: return() waits behind a pending next() on a source it never asks to close';
const readableStreamWaits = 'prompt-settlement: return() waits behind a pending next(), which then resolves with an item read after the close';

const mergeNeverCloses = {
  what: '`return()`/`throw()` settle without closing either source (merge has no `finally`); an iterator handed over open is not closed after an early abort either',
  repro: { file: 'ix.test.ts', test: 'merge, closed-once and cleanup-order: throw() settles without closing either source' },
};

/** Keyed by `corpus.keyOf`: the library's name without its version, and the operator. */
export const verdicts: Readonly<Record<string, readonly Finding[]>> = {
  'iterscope map': [],
  'iterscope merge': [],
  'graphql mapAsyncIterator': [
    {
      invariant: 'lazy-open',
      what: 'opens its source when called, before the first `next()`',
      repro: { file: 'graphql.test.ts', test: 'lazy-open: opens its source when called, before the first next()' },
    },
    {
      invariant: 'prompt-settlement',
      what: 'a `next()` pending at `return()` is not settled by it: it waits for the source, forever if the source does not answer, and resolves with an item if the source gives one after the close',
      repro: { file: 'graphql.test.ts', test: 'prompt-settlement: a next() pending at return() stays pending while the source does not answer' },
    },
    {
      invariant: 'no-error-lost',
      what: '`throw()` on a source without `throw()` closes it and drops the close error (by design: "keep the original error")',
      repro: { file: 'graphql.test.ts', test: 'no-error-lost: throw() on a source without throw() closes it and drops the close error' },
    },
  ],
  'ix map': [...ixCommon('map'), ixAbortDone('map')],
  'ix filter': [...ixCommon('filter'), ixAbortDone('filter')],
  'ix take': [...ixCommon('take'), ixAbortDone('take')],
  'ix catchError': [...ixCommon('catchError', neverCloses('catchError')), ixAbortDone('catchError'), { invariant: 'cleanup-order', ...neverCloses('catchError') }],
  'ix finalize': [...ixCommon('finalize'), ixAbortDone('finalize')],
  'ix takeUntil': [...ixCommon('takeUntil', neverCloses('takeUntil')), ixAbortDone('takeUntil'), { invariant: 'cleanup-order', ...neverCloses('takeUntil') }],
  'ix timeout': [
    ...ixCommon('timeout'),
    {
      invariant: 'timers-cleared',
      what: 'every read starts a timer that is never cleared (only an abort clears it): a stream of n items leaves n timers running, each holding the process open for the whole due time',
      repro: { file: 'ix.test.ts', test: 'timeout, timers-cleared: every item leaves its timer running after the stream has ended' },
    },
    {
      invariant: 'abort-reason',
      what: "a `next()` pending at the abort waits for the source, then rejects with ix's own `AbortError`, not `signal.reason`",
      repro: { file: 'ix.test.ts', test: "timeout, abort-reason: a next() pending at the abort rejects with an AbortError of ix, not the reason" },
    },
  ],
  'ix merge': [
    ...ixCommon('merge', mergeNeverCloses),
    ixAbortDone('merge'),
    { invariant: 'cleanup-order', ...mergeNeverCloses },
    {
      invariant: 'return-bounded',
      what: '`return()` waits on sources whose reads are in flight, and never asks them to close',
      repro: { file: 'ix.test.ts', test: 'merge, return-bounded: return() waits on sources whose reads are in flight, and never asks them to close' },
      // The fixed seed's one case had the wait on a source running its own `finally`: a close.
      missed: parkedRead,
    },
  ],
  'streaming-iterables map': [
    {
      invariant: 'prompt-settlement',
      what: 'an `async function*`: `return()` queues behind a pending `next()`, which then resolves with an item read after the close',
      repro: siOp(`map, ${generatorWaitsTest}`),
    },
    generatorWaits(siOp(`map, ${generatorWaitsTest}`)),
    {
      invariant: 'no-error-lost',
      what: '`throw()` ends its `for await` with a throw, and the language drops the close error of the source',
      repro: siOp('map, no-error-lost: throw() drops the close error of the source'),
    },
  ],
  'streaming-iterables buffer': [
    {
      invariant: 'lazy-open',
      what: 'opens its source when called, before the first `next()`',
      repro: siOp('buffer, lazy-open: opens its source when called, before the first next()'),
    },
    { invariant: 'closed-once', ...bufferNoReturn },
    { invariant: 'cleanup-order', ...bufferNoReturn },
    {
      invariant: 'prompt-settlement',
      what: 'with no `return()`, nothing settles a `next()` pending when the consumer stops: it waits for the source',
      repro: bufferNoReturn.repro,
    },
    {
      invariant: 'no-error-lost',
      what: 'an error read ahead is dropped when the consumer stops',
      repro: siOp('buffer, no-error-lost: an error read ahead is dropped when the consumer stops'),
    },
  ],
  'streaming-iterables merge': [
    {
      invariant: 'closed-once',
      what: '`return()` and `throw()` never close the sources (it reads them with `next()` and has no `finally`)',
      repro: siOp('merge, closed-once and cleanup-order: throw() and return() settle without closing the sources'),
    },
    {
      invariant: 'cleanup-order',
      what: '`return()` and `throw()` settle while the sources are still open (the same case)',
      repro: siOp('merge, closed-once and cleanup-order: throw() and return() settle without closing the sources'),
    },
    {
      invariant: 'prompt-settlement',
      what: 'an `async function*`: `return()` queues behind a pending `next()`, which then resolves with an item read after the close',
      repro: siOp(mergeWaits),
    },
    {
      invariant: 'return-bounded',
      what: '`return()` waits on a parked source it never asks to close',
      repro: siOp(mergeWaits),
    },
  ],
  'Repeater merge': [
    {
      invariant: 'lazy-open',
      what: 'opens its sources when called, before the first `next()`',
      repro: { file: 'repeater.test.ts', test: 'lazy-open: opens its sources when called, before the first next()' },
    },
    {
      invariant: 'prompt-settlement',
      what: 'a `next()` pending at `return()` waits until every source has finished closing (for as long as a source\'s `return()` takes)',
      repro: { file: 'repeater.test.ts', test: 'prompt-settlement: a next() pending at return() waits until every source has finished closing' },
    },
    {
      invariant: 'return-bounded',
      what: '`return()` waits on a pending item (a promise) of a sync source that has already finished: no close can end that wait',
      repro: { file: 'repeater.test.ts', test: 'return-bounded: return() waits on a pending item of a sync source that has already finished' },
      // The fixed-seed run reaches it only beside prompt-settlement (npm run ecosystem).
      missed: {
        sources: [{ kind: 'sync', items: 1, parkAt: 0 }, { kind: 'async', items: 0 }],
        stages: [],
        consumer: { steps: [{ op: 'pending-next' }, { op: 'wait', ticks: 8 }], end: 'return' },
        seed: 0,
      },
    },
    { invariant: 'closed-once', ...repeaterNeverStarted },
    { invariant: 'cleanup-order', ...repeaterNeverStarted },
    {
      invariant: 'no-error-lost',
      what: 'when a read fails and closing another source fails too, the close error replaces the read error',
      repro: { file: 'repeater.test.ts', test: 'no-error-lost: when a read fails and closing another source fails too, the close error replaces the read error' },
    },
    {
      invariant: 'no-unhandled-rejection',
      what: 'a rejected item of a sync source, already read when `return()` comes, is left as an unhandled rejection',
      repro: { file: 'repeater.test.ts', test: 'no-unhandled-rejection: a rejected item of a sync source, read after return(), is an unhandled rejection' },
    },
  ],
  'it-map map': [...itCommon('it-map'), generatorWaits(itOp('it-map', generatorWaitsTest))],
  'it-filter filter': [
    ...itCommon('it-filter'),
    {
      invariant: 'return-bounded',
      what: '`return()` waits on a parked source it never asks to close (queued behind the pending `next()`)',
      repro: itOp('it-filter', generatorWaitsTest),
    },
  ],
  'Node ReadableStream.from': [
    {
      invariant: 'lazy-open',
      what: 'opens its source when called, before the first `next()` (as the streams standard asks)',
      repro: { file: 'node.test.ts', test: 'lazy-open: opens its source when called, before the first next(), as the streams standard asks' },
    },
    {
      invariant: 'prompt-settlement',
      what: "`return()` queues behind a pending `next()` (the standard's ongoing promise), which then resolves with an item read after the close",
      repro: { file: 'node.test.ts', test: readableStreamWaits },
    },
    {
      invariant: 'return-bounded',
      what: '`return()` waits on a parked read of a source it does not ask to close until that read is answered',
      repro: { file: 'node.test.ts', test: readableStreamWaits },
    },
    {
      invariant: 'closed-once',
      what: 'leaves a source it opened open: a sync source when `return()` comes before the first read (Node 20 and 22; Node 24 closes it), and on every Node a source whose stream stalls on a lost `next()` (see settles)',
      repro: { file: 'node.test.ts', test: readableStreamSyncLeft },
    },
    {
      invariant: 'cleanup-order',
      what: '`return()` settles while that sync source is still open (the same case; fixed in Node 24)',
      repro: { file: 'node.test.ts', test: readableStreamSyncLeft },
      nodeBelow: 24,
    },
    {
      invariant: 'settles',
      what: 'of three `next()` calls pending when the source ends, one is never answered (Node 20 to 26)',
      repro: { file: 'node.test.ts', test: 'settles: of three next() calls pending when the source ends, one is never answered' },
    },
  ],
  'Node Readable.from': [
    {
      invariant: 'lazy-open',
      what: 'opens its source when called, before the first `next()`',
      repro: { file: 'node.test.ts', test: 'lazy-open: opens its source when called, before the first next()' },
    },
    {
      invariant: 'closed-once',
      what: "`return()` before the first read leaves the source it opened open (the stream's iterator is an `async function*` that never started, and the stream is not destroyed)",
      repro: { file: 'node.test.ts', test: 'closed-once and cleanup-order: return() before the first read leaves the source it opened open' },
    },
    {
      invariant: 'cleanup-order',
      what: '`return()` settles while the source it opened is still open (the same case)',
      repro: { file: 'node.test.ts', test: 'closed-once and cleanup-order: return() before the first read leaves the source it opened open' },
    },
    {
      invariant: 'prompt-settlement',
      what: "`return()` queues behind a pending `next()` (the stream's iterator is an `async function*`) and does not settle it: both wait for the source",
      repro: { file: 'node.test.ts', test: readableWaits },
      missed: parkedRead,
    },
    {
      invariant: 'return-bounded',
      what: '`return()` waits on a parked read of a source it does not ask to close until that read is answered',
      repro: { file: 'node.test.ts', test: readableWaits },
      missed: parkedRead,
    },
    {
      invariant: 'abort-reason',
      what: 'a `next()` pending at the abort rejects with an `AbortError` whose `cause` is the reason, not the reason itself',
      repro: { file: 'node.test.ts', test: 'abort-reason: a next() pending at the abort rejects with an AbortError wrapping the reason, not the reason' },
    },
    {
      invariant: 'no-error-lost',
      what: 'when a read fails and closing the source fails too, the close error replaces the read error',
      repro: { file: 'node.test.ts', test: 'no-error-lost: when a read fails and closing the source fails too, the close error replaces the read error' },
    },
  ],
};

/** Bugs the corpus ran into that no invariant covers (none at present: the timers ix's `timeout` leaves running are `timers-cleared`). */
export const beyond: readonly (Pick<Finding, 'what' | 'repro'> & { readonly key: string })[] = [];
