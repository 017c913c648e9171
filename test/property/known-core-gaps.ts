/**
 * Contract gaps the property suite finds and the core does not close yet, excused here
 * (and only here) by name so the rest of the suite stays a gate. Each entry says why it
 * is open; when one is fixed, its entry goes and the suite checks that case again.
 */
import type { KnownIssue } from 'iterscope/testing';

export const knownCoreGaps: readonly KnownIssue[] = [
  {
    // C4 after an abort: the owner of a borrow closes what it lent while a stage below,
    // aborted by its own signal, still closes in the background. Rare.
    name: 'C4: after an abort, a borrow owner closes before the close below finished',
    matches: (violation, scenario) =>
      violation.invariant === 'cleanup-order' && scenario.consumer.abortAt !== undefined && violation.message.startsWith('borrow-owner'),
  },
  {
    // C7: a stage with reads or callbacks in flight when it was dropped (race, merge, zip,
    // concat, takeUntil, the concurrent map) is occasionally not collected within the
    // check's twelve collector runs; found again after the property suite's corpus work
    // (mapConcurrent alone, consumer `next; then abandon`, about one run in 20,000). A
    // hand-written copy of the scenario is collected: something in how the harness holds
    // that run keeps it reachable, or the stage does; not found yet.
    name: 'C7: a stage with reads in flight not collected in time',
    matches: (violation, scenario) =>
      violation.invariant === 'abandonment' &&
      (scenario.consumer.end === 'abandon-parked' || scenario.consumer.end === 'abandon') &&
      scenario.stages.some((s) => ['race', 'merge', 'zip', 'concat', 'takeUntil', 'mapConcurrent'].includes(s.kind)),
  },
  {
    // C9/C3: return() called first, the abort fires while the close travels down: the
    // stream span (a stage below the consumer's) ends `aborted` where the consumer saw a
    // cancel. Rule 1 decides an abort that meets a stream ending on its own; a cancel
    // already under way above the stage is not yet covered (either the outcome or the
    // check changes). Rare: about one run in 1,500 of the otel property test.
    name: 'C9: a cancel that meets an abort ends the span as aborted',
    matches: (violation) => violation.invariant === 'spans' && violation.message.includes('ended with outcome aborted, the consumer saw cancelled'),
  },
];
