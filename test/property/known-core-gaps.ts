/**
 * Contract gaps the property suite finds and the core does not close yet, excused here
 * (and only here) by name so the rest of the suite stays a gate. Each entry says why it
 * is open; when one is fixed, its entry goes and the suite checks that case again.
 */
import type { KnownIssue } from 'iterscope/testing';

export const knownCoreGaps: readonly KnownIssue[] = [
  {
    // C7: a stage with reads or callbacks in flight when it was dropped (race, merge, zip,
    // concat, takeUntil, the concurrent map) is occasionally not collected within the
    // check's twelve collector runs (mapConcurrent alone, consumer `next; then abandon`,
    // is one such scenario; 21 of 100,000 generated runs excused it). A
    // hand-written copy of the scenario is collected: something in how the harness holds
    // that run keeps it reachable, or the stage does; not found yet.
    name: 'C7: a stage with reads in flight not collected in time',
    matches: (violation, scenario) =>
      violation.invariant === 'abandonment' &&
      (scenario.consumer.end === 'abandon-parked' || scenario.consumer.end === 'abandon') &&
      scenario.stages.some((s) => ['race', 'merge', 'zip', 'concat', 'takeUntil', 'mapConcurrent'].includes(s.kind)),
  },
];
