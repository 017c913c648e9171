/**
 * it-map 3 and it-filter 3 (the `it-*` family of js-libp2p / ipfs). No signal; they read
 * sync and async iterables (a sync source stays sync, so it is given async ones only: the
 * harness's subject must be async).
 */
import itFilter from 'it-filter';
import itMap from 'it-map';
import { asAsync, asyncOnly, type EcosystemSubject } from '../subject.js';

const supports = 'no signal; async sources (a sync source gives a sync iterator back)';

export const it: readonly EcosystemSubject[] = [
  {
    library: 'it-map 3',
    operator: 'map',
    subject: ({ source }) => itMap(asAsync(source), (x) => x * 2),
    options: { abort: false, sourceKinds: asyncOnly },
    supports,
  },
  {
    library: 'it-filter 3',
    operator: 'filter',
    subject: ({ source }) => itFilter(asAsync(source), (x) => x % 2 === 0),
    options: { abort: false, sourceKinds: asyncOnly },
    supports,
  },
];
