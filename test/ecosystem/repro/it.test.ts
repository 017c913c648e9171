/**
 * it-map 3 and it-filter 3, driven by hand: what the ecosystem corpus reports, shown with
 * the libraries alone. Both are `async function*` over `for await`.
 */
import { describe, it } from 'vitest';
import itFilter from 'it-filter';
import itMap from 'it-map';
import { returnWaitsBehindRead, throwDropsCloseError } from './generator-operators.js';

const operators: Record<string, (source: AsyncIterable<number>) => AsyncIterator<number>> = {
  'it-map': (source) => itMap(source, (x) => x * 2)[Symbol.asyncIterator](),
  'it-filter': (source) => itFilter(source, () => true)[Symbol.asyncIterator](),
};
const each = Object.keys(operators);
const make = (name: string, source: AsyncIterable<number>): AsyncIterator<number> => operators[name]!(source);

describe('it-map and it-filter', () => {
  it.each(each)('%s, prompt-settlement and return-bounded: return() waits behind a pending next() on a source it never asks to close, which then resolves with an item', (name) => returnWaitsBehindRead((source) => make(name, source)));

  it.each(each)('%s, no-error-lost: throw() drops the close error of the source', (name) => throwDropsCloseError((source) => make(name, source)));
});
