/**
 * IxJS 7 (`ix/asynciterable`). Every operator takes an `AbortSignal` through
 * `[Symbol.asyncIterator](signal)`, its documented way to cancel, so aborts are generated
 * and the signal is handed over there. `from` reads sync iterables too.
 */
import { from, merge } from 'ix/asynciterable';
import { catchError, filter, finalize, map, take, takeUntil, timeout } from 'ix/asynciterable/operators';
import type { AsyncIterableX } from 'ix/asynciterable';
import type { SubjectInput } from 'iterscope/testing';
import { asAny, type EcosystemSubject } from '../subject.js';

const library = 'ix 7';
const supports = 'signal through `[Symbol.asyncIterator](signal)`; sync and async sources';

const open = <T>(iterable: AsyncIterableX<T>, { signal }: SubjectInput): AsyncIterator<T> => iterable[Symbol.asyncIterator](signal);
const one = (input: SubjectInput): AsyncIterableX<number> => from(asAny(input.source));
const both = (input: SubjectInput): [AsyncIterableX<number>, AsyncIterableX<number>] => [from(asAny(input.sources[0])), from(asAny(input.sources[1]))];

const unary = (operator: string, make: (input: SubjectInput) => AsyncIterableX<unknown>): EcosystemSubject => ({
  library,
  operator,
  subject: (input) => open(make(input), input),
  options: {},
  supports,
});
const binary = (operator: string, make: (input: SubjectInput) => AsyncIterableX<unknown>): EcosystemSubject => ({
  ...unary(operator, make),
  options: { sources: 2 },
});

export const ix: readonly EcosystemSubject[] = [
  unary('map', (input) => one(input).pipe(map((x) => x * 2))),
  unary('filter', (input) => one(input).pipe(filter((x) => x % 2 === 0))),
  unary('take', (input) => one(input).pipe(take(2))),
  unary('catchError', (input) => one(input).pipe(catchError(() => from([-1])))),
  unary('finalize', (input) => one(input).pipe(finalize(() => undefined))),
  // A stop signal that never fires: takeUntil as a plain pass-through.
  unary('takeUntil', (input) => one(input).pipe(takeUntil(() => new Promise<never>(() => undefined)))),
  // A long due time: the timer must never fire during a scenario (the harness has no clock).
  unary('timeout', (input) => one(input).pipe(timeout(60_000))),
  binary('merge', (input) => merge(...both(input))),
];
