/**
 * Contract gaps the property suite finds and the core does not close yet, excused here
 * (and only here) by name so the rest of the suite stays a gate. Each entry says why it
 * is open; when one is fixed, its entry goes and the suite checks that case again.
 */
import type { KnownIssue } from 'iterscope/testing';

export const knownCoreGaps: readonly KnownIssue[] = [
  {
    // C3 rule 1: rarely (about one run in 1,500), an abort meets a stage that is answering
    // the end of its input (pairwise, batch, endWith, or a stop travelling up a chain) and
    // the pending next() gets the item or done instead of the reason. Found by the
    // generator only; no hand-written reproduction yet (the direct cases pass).
    name: 'C3 rule 1: an end being answered as the abort fires',
    matches: (violation) =>
      violation.invariant === 'abort-reason' &&
      /still unsettled at the abort.*(resolved \((value|done)\)|rejected with (ProbeError|SuppressedError|AggregateError))/.test(violation.message),
  },
  {
    // C4 after an abort: the owner of a borrow closes what it lent while a stage below,
    // aborted by its own signal, still closes in the background. Rare.
    name: 'C4: after an abort, a borrow owner closes before the close below finished',
    matches: (violation, scenario) =>
      violation.invariant === 'cleanup-order' && scenario.consumer.abortAt !== undefined && violation.message.startsWith('borrow-owner'),
  },
  {
    // C7: a multi-source stage (race, merge) dropped while parked is occasionally not
    // collected within the check's twelve collector runs. Rare (one run in ~3,000).
    name: 'C7: a parked multi-source stage not collected in time',
    matches: (violation, scenario) =>
      violation.invariant === 'abandonment' &&
      scenario.consumer.end === 'abandon-parked' &&
      scenario.stages.some((s) => ['race', 'merge', 'zip', 'concat', 'takeUntil'].includes(s.kind)),
  },
  {
    // C3: stages that read several sources (flatMap, merge, zip...) do not pass their
    // owner's signal on to the stages they read; those learn of an abort only as a close,
    // and a source below them can see the close signal's AbortError instead of the reason.
    // Rare (one run in ~3,000).
    name: 'C3: a multi-source stage does not pass the owner\'s signal to the stages it reads',
    matches: (violation, scenario) =>
      violation.invariant === 'abort-reason' &&
      violation.message.includes("handed a signal whose reason is not the abort's reason") &&
      scenario.stages.some((s) => ['flatMap', 'merge', 'zip', 'race', 'concat', 'buffered'].includes(s.kind)),
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
