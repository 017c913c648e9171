/**
 * streaming-iterables 8. No signal; every function reads sync and async iterables.
 */
import { buffer, map, merge } from 'streaming-iterables';
import type { SubjectInput } from 'iterscope/testing';
import { asAny, asAsync, asyncOnly, type EcosystemSubject } from '../subject.js';

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
  // buffer gives a sync iterable back for a sync source: async sources only.
  {
    ...unary('buffer', ({ source }) => buffer(2, asAsync(source))),
    options: { abort: false, sourceKinds: asyncOnly },
    supports: 'no signal; async sources (a sync source gives a sync iterable back)',
  },
  {
    ...unary('merge', ({ sources }) => merge(asAny(sources[0]), asAny(sources[1]))),
    options: { abort: false, sources: 2 },
  },
];
