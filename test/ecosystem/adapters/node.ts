/**
 * Node's own stream helpers. `Readable.from` takes a signal in its options and reads sync
 * and async iterables; the stream is read through its async iterator.
 */
import { Readable } from 'node:stream';
import { asAny, type EcosystemSubject } from '../subject.js';

const library = `Node ${process.versions.node.split('.')[0] ?? ''}`;

export const node: readonly EcosystemSubject[] = [
  {
    library,
    operator: 'Readable.from',
    subject: ({ source, signal }) => Readable.from(asAny(source), { signal, objectMode: true }),
    options: {},
    supports: '`signal` in the options; sync and async sources',
  },
];
