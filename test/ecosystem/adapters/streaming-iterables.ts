/**
 * streaming-iterables 8. No signal; every function reads sync and async iterables.
 */
import { map, merge } from 'streaming-iterables';
import type { SubjectInput } from 'iterscope/testing';
import { asAny, type EcosystemSubject } from '../subject.js';

const library = 'streaming-iterables 8';
const supports = 'no signal; sync and async sources';

const unary = (operator: string, make: (input: SubjectInput) => AsyncIterable<unknown> | AsyncIterator<unknown>): EcosystemSubject => ({
  library,
  operator,
  subject: make,
  options: { abort: false },
  supports,
});

export const streamingIterables: readonly EcosystemSubject[] = [
  unary('map', ({ source }) => map((x: number) => x * 2, asAny(source))),
  {
    ...unary('merge', ({ sources }) => merge(asAny(sources[0]), asAny(sources[1]))),
    options: { abort: false, sources: 2 },
  },
];
