/**
 * The language baseline: violations the harness reports for third-party code that are
 * JavaScript's own behaviour, not that code's bug. Each is excused by name (`knownIssues`),
 * counted, and listed on the generated page, so the table's verdicts are the libraries'
 * own; each predicate matches one scenario shape, so it cannot hide a finding elsewhere.
 */
import type { ConsumerStep, KnownIssue, Scenario, Violation } from 'iterscope/testing';

const reads = (step: ConsumerStep): boolean => step.op !== 'wait';

/** The sources a violation names (`source#1` is `scenario.sources[1]`). */
const named = (violation: Violation, scenario: Scenario): number[] =>
  [...violation.message.matchAll(/source#(\d+)/g)].map((m) => Number(m[1])).filter((i) => i < scenario.sources.length);

export interface LanguageFact extends KnownIssue {
  /** Why it is not the library's bug: the JavaScript fact. */
  readonly why: string;
}

export const baseline: readonly LanguageFact[] = [
  {
    name: 'generator closed before it started',
    why:
      'An `async function*` whose `return()`/`throw()` comes before its first `next()` completes without running its body ' +
      '(ECMA-262: `return()` on a generator in its suspended-start state completes it at once), so it never closes an iterator it was handed already open. The harness excuses this ' +
      'only for its own instrumented stages.',
    matches: (violation, scenario) =>
      (violation.invariant === 'closed-once' || violation.invariant === 'cleanup-order') &&
      !scenario.consumer.steps.some(reads) &&
      scenario.consumer.end !== 'drain' &&
      named(violation, scenario).length > 0 &&
      named(violation, scenario).every((i) => scenario.sources[i]?.given === 'iterator'),
  },
  {
    name: 'sync item rejected under for await',
    why:
      'A sync source whose item is a rejected promise, read by `for await` (directly or through `Symbol.asyncIterator` of a ' +
      'sync-to-async wrapper): Node 20\'s engine does not call the sync iterator\'s `return()` then (the language was changed ' +
      'in 2023 to close it; engines before that leave it open). The library never sees an iterator it could close.',
    matches: (violation, scenario) =>
      (violation.invariant === 'closed-once' || violation.invariant === 'cleanup-order') &&
      named(violation, scenario).length > 0 &&
      named(violation, scenario).every((i) => scenario.sources[i]?.kind === 'sync' && scenario.sources[i].throwAt !== undefined),
  },
];
