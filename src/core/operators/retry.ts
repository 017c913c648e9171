import type { Operator } from '../operator.js';
import { classify, type Source } from '../source.js';
import type { StageOptions } from '../stage.js';
import { checkFunction, checkRange, checkStageOptions, describe } from '../validate.js';
import { RecoverStage } from './recover-stage.js';

/**
 * Options of {@link retry}.
 *
 * @example
 * ```ts
 * import { retry, type RetryOptions } from 'iterscope';
 * const options: RetryOptions = { count: 3, shouldRetry: (err) => (err as Error).message !== 'fatal' };
 * console.log(typeof retry(options));
 * ```
 */
export interface RetryOptions extends StageOptions {
  /** How many times to reopen the source: a whole number from 0 up, or Infinity. */
  readonly count: number;
  /** Decide per failure; `false` fails the stream with that error. Default: always retry. */
  readonly shouldRetry?: ((error: unknown, attempt: number) => boolean) | undefined;
}

/**
 * When the source fails, open it again, up to `count` times; the stream fails with the
 * error of the last attempt. Items passed before a failure stay passed (a reopened source
 * starts over). The source must be an iterable that can be opened again (an array, an
 * object with `[Symbol.asyncIterator]`), not an iterator: an iterator cannot be restarted.
 * An abort is never retried (C3).
 *
 * Each failed source is finished and not closed (C1); each new one is opened with the
 * stream's signal (C3) and closed with the stream.
 *
 * @param options - The number of retries, or `{ count, shouldRetry, signal, closeTimeout }`.
 * @returns An operator for {@link pipe}.
 * @throws TypeError / RangeError at the call when `count` or an option is wrong; TypeError
 * when applied to an iterator.
 * @example
 * ```ts
 * import { pipe, retry, toArray } from 'iterscope';
 *
 * let calls = 0;
 * const flaky = {
 *   async *[Symbol.asyncIterator]() {
 *     calls++;
 *     yield calls;
 *     if (calls < 3) throw new Error('try again');
 *   },
 * };
 * console.log(await toArray(pipe(flaky, retry(5)))); // [1, 2, 3]
 * ```
 */
export function retry<T>(options: number | RetryOptions): Operator<T, T> {
  const settings: RetryOptions = typeof options === 'number' ? { count: options } : options;
  const raw: unknown = options;
  if (typeof raw !== 'number' && (typeof raw !== 'object' || raw === null)) {
    throw new TypeError(`retry: expected \`options\` to be a number or an object, got ${describe(raw)}.`);
  }
  checkRange('retry', typeof options === 'number' ? 'count' : 'options.count', settings.count, 'count');
  const shouldRetry = settings.shouldRetry;
  if (shouldRetry !== undefined) checkFunction('retry', 'options.shouldRetry', shouldRetry);
  const stageOptions = typeof options === 'number' ? undefined : { signal: options.signal, closeTimeout: options.closeTimeout };
  checkStageOptions('retry', stageOptions);
  return (source: Source<T>) => {
    const first = classify('retry', source);
    if (first.open) {
      throw new TypeError(`retry: expected \`source\` to be an iterable it can open again, got ${describe(source)} (an open iterator).`);
    }
    return new RecoverStage<T>('retry', first, (error, attempt) => {
      if (attempt >= settings.count || (shouldRetry !== undefined && !shouldRetry(error, attempt))) throw error;
      return source;
    }, stageOptions);
  };
}
