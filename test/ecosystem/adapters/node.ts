/**
 * Node's own stream helpers, each read through its async iterator. `Readable.from` takes a
 * signal in its options; `ReadableStream.from` takes none. Both read sync and async
 * iterables.
 */
import { Readable } from 'node:stream';
import { asAny, type EcosystemSubject } from '../subject.js';

// On Node 20 since 20.6; @types/node 20 does not type it.
const readableStreamFrom = (ReadableStream as unknown as { from: (source: AsyncIterable<number> | Iterable<number>) => AsyncIterable<unknown> }).from.bind(ReadableStream);

const library = `Node ${process.versions.node.split('.')[0] ?? ''}`;

export const node: readonly EcosystemSubject[] = [
  {
    library,
    operator: 'Readable.from',
    subject: ({ source, signal }) => Readable.from(asAny(source), { signal, objectMode: true }),
    options: {},
    supports: '`signal` in the options; sync and async sources',
  },
  {
    library,
    operator: 'ReadableStream.from',
    subject: ({ source }) => readableStreamFrom(asAny(source)),
    // 200 runs: its lost next() needs three calls pending at the end, which the first 100
    // scenarios of the fixed seed reach on Node 24 but not on Node 20 or 22.
    options: { abort: false, runs: 200 },
    supports: 'no signal (a web stream is cancelled through its reader); sync and async sources',
  },
];
