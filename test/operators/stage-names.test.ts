/**
 * Every operator's stage carries its own name: it is what the close signal's reason, the
 * reports and the errors say (C3: `iterscope: <name> stopped (<outcome>)`), so a person
 * reading one knows which stage stopped.
 */
import { describe, expect, it } from 'vitest';
import {
  abortable,
  batch,
  buffered,
  catchError,
  distinct,
  distinctUntilChanged,
  endWith,
  map,
  pairwise,
  pipe,
  retry,
  startWith,
  throttle,
  type Operator,
} from 'iterscope';
import { signalSource } from '../helpers/probe.js';

// Made in each test, not at load: nothing of this file is alive while other files' tests
// wait for their stages to be collected.
const operators: [string, () => Operator<number, unknown>][] = [
  ['abortable', () => abortable(new AbortController().signal)],
  ['batch', () => batch(1)],
  ['buffered', () => buffered(2)],
  ['catchError', () => catchError(() => [])],
  ['distinct', () => distinct()],
  ['distinctUntilChanged', () => distinctUntilChanged()],
  ['endWith', () => endWith(9)],
  ['map', () => map((x: number) => x, { concurrency: 2 })],
  ['pairwise', () => pairwise()],
  ['retry', () => retry(1)],
  ['startWith', () => startWith(9)],
];

describe('C3: the close signal names the stage that stopped', () => {
  it.each(operators)('%s', async (name, operator) => {
    const source = signalSource(3);
    const stage = pipe(source, operator());
    await stage.next();
    await stage.next(); // startWith opens its source at the second read
    await stage.return();
    const [opened] = source.signals;
    expect(opened?.aborted).toBe(true);
    expect((opened?.reason as Error).message).toBe(`iterscope: ${name} stopped (cancelled)`);
  });
});

describe('C10: a source that is not iterable is named by the operator it was given to', () => {
  it.each([...operators, ['throttle', () => throttle(10)] as const])('%s', (name, operator) => {
    expect(() => (operator() as (source: unknown) => unknown)(42)).toThrow(
      new TypeError(`${name}: expected \`source\` to be an async iterable, an async iterator or an iterable, got \`42\` (number).`),
    );
  });
});
