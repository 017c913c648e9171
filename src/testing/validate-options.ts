/**
 * C10 for the harness itself: a bad option fails at the call with a message that names it,
 * shows what was passed and says what to do, never deep inside fast-check.
 */
import { describe } from '../core/validate.js';
import { INVARIANTS } from './invariants.js';

const WHERE = 'iterscope/testing';

function wholeNumber(name: string, value: unknown, min: number): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    const Err = typeof value === 'number' ? RangeError : TypeError;
    throw new Err(`${WHERE}: expected \`${name}\` to be a whole number from ${String(min)} up, got ${describe(value)}.`);
  }
}

/** @internal */
export function validateOptions(options: Readonly<Record<string, unknown>>): void {
  wholeNumber('runs', options['runs'], 1);
  wholeNumber('sources', options['sources'], 1);
  wholeNumber('settleTicks', options['settleTicks'], 0);
  wholeNumber('idleTicks', options['idleTicks'], 1);
  wholeNumber('timeLimit', options['timeLimit'], 1);
  wholeNumber('closeBound', options['closeBound'], 0);
  const invariants = options['invariants'];
  if (invariants !== undefined) {
    if (!Array.isArray(invariants)) throw new TypeError(`${WHERE}: expected \`invariants\` to be an array of invariant names, got ${describe(invariants)}.`);
    for (const name of invariants as unknown[]) {
      if (!(INVARIANTS as readonly unknown[]).includes(name)) {
        throw new TypeError(`${WHERE}: unknown invariant ${describe(name)} in \`invariants\`; the invariants are ${INVARIANTS.join(', ')}. Add checks of your own with \`checks\`.`);
      }
    }
  }
}

/**
 * What a subject returned, when it is not something `for await` reads asynchronously:
 * said with what to do instead. `undefined` when it is fine. @internal
 */
export function notAsync(value: unknown): string | undefined {
  if (typeof value === 'object' && value !== null) {
    if (typeof (value as { next?: unknown }).next === 'function' || Symbol.asyncIterator in value) return undefined;
    if (typeof (value as { then?: unknown }).then === 'function') {
      return `${WHERE}: the subject returned a promise; return the async iterator itself (not a promise of it) from the subject function.`;
    }
    if (Symbol.iterator in value) {
      return `${WHERE}: the subject returned ${describe(value)}, a sync iterable; the harness checks async iterators: wrap it (for instance \`aclosing(iterable)\` from iterscope) or return an async generator.`;
    }
  }
  return `${WHERE}: the subject returned ${describe(value)}; it must return an async iterator or an async iterable.`;
}

/** The subject returned something the harness cannot read: a usage error, not a finding. @internal */
export class NotAsyncSubject extends TypeError {
  override readonly name = 'TypeError';
}
