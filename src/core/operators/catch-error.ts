import type { Operator } from '../operator.js';
import { classify, type Source } from '../source.js';
import type { StageOptions } from '../stage.js';
import { checkFunction, checkStageOptions } from '../validate.js';
import { RecoverStage } from './recover-stage.js';

/**
 * When the source fails, continue with the source `handler` returns for the error (or
 * rethrow from `handler` to fail with an error of your choice). Items passed before the
 * failure stay passed. Only the source's own failure is caught, once: an error of the
 * replacement source fails the stream. An abort is never caught (C3): it stays an abort.
 *
 * The failed source is finished and not closed (C1); the replacement is opened at once
 * for the read that is waiting and closed with the stream.
 *
 * @param handler - `(error) => source`: an array, a generator, a stage...
 * @param options - `signal` and `closeTimeout`, as for `aclosing`.
 * @returns An operator for {@link pipe}.
 * @throws TypeError at the call when `handler` is not a function or an option is wrong.
 * @example
 * ```ts
 * import { pipe, catchError, toArray } from 'iterscope';
 *
 * async function* flaky() { yield 1; throw new Error('connection reset'); }
 * const items = await toArray(pipe(flaky(), catchError((err) => [`recovered: ${(err as Error).message}`])));
 * console.log(items); // [1, 'recovered: connection reset']
 * ```
 */
export function catchError<T, R = T>(handler: (error: unknown) => Source<R>, options?: StageOptions): Operator<T, T | R> {
  checkFunction('catchError', 'handler', handler);
  checkStageOptions('catchError', options);
  return (source) =>
    new RecoverStage<T | R>('catchError', classify('catchError', source), (error, attempt) => {
      if (attempt > 0) throw error; // the replacement's own failure is not caught
      return handler(error);
    }, options);
}
