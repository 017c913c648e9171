/**
 * graphql-js 16's `mapAsyncIterator` (what `subscribe` maps every event through; internal,
 * reached by its module path). No signal; it reads async iterables.
 */
import { mapAsyncIterator } from 'graphql/execution/mapAsyncIterator.js';
import { asAsync, asyncOnly, type EcosystemSubject } from '../subject.js';

export const graphql: readonly EcosystemSubject[] = [
  {
    library: 'graphql 16',
    operator: 'mapAsyncIterator',
    subject: ({ source }) => mapAsyncIterator(asAsync(source), (x: number) => x * 2),
    options: { abort: false, sourceKinds: asyncOnly },
    supports: 'no signal; async sources',
  },
];
