/**
 * Contract gaps the property suite finds and the core does not close yet, excused here
 * (and only here) by name so the rest of the suite stays a gate. Each entry says why it
 * is open; when one is fixed, its entry goes and the suite checks that case again.
 */
import type { KnownIssue } from 'iterscope/testing';

// None open. Scenarios that found the gaps closed so far run first every time (corpus.ts).
export const knownCoreGaps: readonly KnownIssue[] = [];
