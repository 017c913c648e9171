/**
 * Every terminal reads through a stage of its own name: it is what the close signal's reason
 * says when the terminal stops its source early (C3: `iterscope: <name> stopped (<outcome>)`),
 * so a source that logs why it was stopped names the call that stopped it.
 */
import { describe, expect, it } from 'vitest';
import { count, every, find, first, forEach, reduce, some } from 'iterscope';
import { outcome } from '../helpers/contract.js';
import { signalSource, type SignalSource } from '../helpers/probe.js';

const fails = (): never => {
  throw new Error('callback failed');
};

// Each stops after the first item: an answer found, or a callback that threw.
const terminals: [string, (source: SignalSource) => Promise<unknown>][] = [
  ['first', (source) => first(source)],
  ['find', (source) => find(source, () => true)],
  ['some', (source) => some(source, () => true)],
  ['every', (source) => every(source, () => false)],
  ['count', (source) => count(source, fails)],
  ['reduce', (source) => reduce(source, fails, 0)],
  ['forEach', (source) => forEach(source, fails)],
];

describe('C3: the close signal names the terminal that stopped its source', () => {
  it.each(terminals)('%s', async (name, run) => {
    const source = signalSource(3);
    await outcome(run(source));
    const [opened] = source.signals;
    expect(opened?.aborted).toBe(true);
    expect((opened?.reason as Error).message).toBe(`iterscope: ${name} stopped (cancelled)`);
  });
});
