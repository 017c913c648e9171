import type { Operator } from '../operator.js';
import type { Source } from '../source.js';
import { StageBase, type StageOptions } from '../stage.js';
import { checkSignal, checkStageOptions } from '../validate.js';
import { acceptsFusion } from './fused.js';

class AbortableStage<T> extends StageBase<T, T> {
  constructor(source: Source<T>, options: StageOptions) {
    super('abortable', source, options);
  }
}

/**
 * C3 in the middle of a chain: when `signal` aborts, a pending `next()` rejects at once
 * with `signal.reason` (that exact object), even if the source ignores signals, and
 * everything upstream is closed with outcome `aborted`. Sources upstream that accept a
 * signal (`[Symbol.asyncIterator](signal)`) receive this one when they open.
 *
 * @param signal - The signal to honour.
 * @param options - `closeTimeout`, as for `aclosing`.
 * @returns An operator for {@link pipe}.
 * @throws TypeError at the call when `signal` is not an AbortSignal.
 * @example
 * ```ts
 * import { pipe, map, abortable } from 'iterscope';
 *
 * const controller = new AbortController();
 * async function* ticks() { let i = 0; while (true) { yield i++; await new Promise((r) => setTimeout(r, 10)); } }
 * setTimeout(() => controller.abort(new Error('user left')), 35);
 * try {
 *   for await (const t of pipe(ticks(), map((x) => x * 10), abortable(controller.signal))) console.log(t);
 * } catch (err) {
 *   console.log((err as Error).message); // 'user left'
 * }
 * ```
 */
export function abortable<T>(signal: AbortSignal, options?: Omit<StageOptions, 'signal'>): Operator<T, T> {
  checkSignal('abortable', 'signal', signal);
  checkStageOptions('abortable', options);
  return acceptsFusion((source) => new AbortableStage<T>(source, { ...options, signal }));
}
