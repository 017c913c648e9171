/**
 * Repeater 3.1 (`@repeaterjs/repeater`): `Repeater.merge`. They take no signal; they read sync
 * and async iterables (and promises).
 */
import { Repeater } from '@repeaterjs/repeater';
import type { SubjectInput } from 'iterscope/testing';
import { asAny, type EcosystemSubject } from '../subject.js';

const pair = (input: SubjectInput): [AsyncIterable<number> | Iterable<number>, AsyncIterable<number> | Iterable<number>] => [
  asAny(input.sources[0]),
  asAny(input.sources[1]),
];

const combinator = (operator: string, make: (input: SubjectInput) => AsyncIterator<unknown>): EcosystemSubject => ({
  library: 'Repeater 3.1',
  operator,
  subject: make,
  options: { sources: 2, abort: false },
  supports: 'no signal; sync and async sources',
});

export const repeater: readonly EcosystemSubject[] = [
  combinator('merge', (input) => Repeater.merge(pair(input))),
];
