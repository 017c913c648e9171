import type { Source } from '../source.js';
import type { Stage, StageOptions } from '../stage.js';
import { checkRange, checkStageOptions } from '../validate.js';
import { SharedSource } from './shared-source.js';

/**
 * Options of {@link share} and {@link tee}.
 *
 * @example
 * ```ts
 * import { share, type ShareOptions } from 'iterscope';
 * const options: ShareOptions = { bufferSize: 4, signal: AbortSignal.timeout(1_000) };
 * await share([1, 2, 3], options).close();
 * ```
 */
export interface ShareOptions extends StageOptions {
  /**
   * How many items a consumer may fall behind the fastest one: a whole number from 1 up.
   * When a consumer's buffer is full, the source is not read until it catches up, so a
   * slow consumer slows the others down instead of growing a buffer without bound.
   * Default 16.
   */
  readonly bufferSize?: number | undefined;
}

/**
 * One source read by several consumers: what {@link share} returns. Each
 * `[Symbol.asyncIterator]()` call (each `for await`) is a new consumer, a {@link Stage}
 * that receives every item read from then on.
 *
 * @example
 * ```ts
 * import { share, toArray, type Shared } from 'iterscope';
 * const shared: Shared<number> = share([1, 2]);
 * const [a, b] = [shared[Symbol.asyncIterator](), shared[Symbol.asyncIterator]()];
 * console.log(await Promise.all([toArray(a), toArray(b)])); // [[1, 2], [1, 2]]
 * ```
 */
export interface Shared<T> extends AsyncIterable<T>, AsyncDisposable {
  /** A new consumer: every item read from now on, until the source ends or it leaves. */
  [Symbol.asyncIterator](): Stage<T>;
  /**
   * Close every consumer (each pending `next()` settles `done` at once) and the source.
   * Rejects with the source's close error, if any. Consumers that join later end at once.
   */
  close(): Promise<void>;
  /** `await using`: the same as {@link Shared.close}. */
  [Symbol.asyncDispose](): Promise<void>;
}

/** @internal */
export function sharedOptions(where: string, options: ShareOptions | undefined): { bufferSize: number; stage: StageOptions | undefined } {
  checkStageOptions(where, options);
  const bufferSize = options?.bufferSize ?? 16;
  checkRange(where, 'options.bufferSize', bufferSize, 'size');
  const stage = options === undefined ? undefined : { signal: options.signal, closeTimeout: options.closeTimeout };
  return { bufferSize, stage };
}

/**
 * Share one source between several consumers (a broadcast: every consumer receives every
 * item read while it is there). The source is opened once, when a consumer first asks for
 * an item, and closed exactly once, when the last consumer leaves (`break`, `return()`, an
 * error or an abort), and that consumer's close waits for it (C1, C4). A consumer that
 * joins after that, or after the source ended, ends at once.
 *
 * Reading is pulled: the source is read when a consumer waits for an item, and never
 * while a consumer has `bufferSize` items it has not read (the slowest consumer sets the
 * pace; no buffer grows without bound). A source error reaches every consumer after the
 * items it had not read yet (C5); `options.signal` aborts every consumer with its reason
 * (C3), and a source that takes a signal gets one that aborts when the sharing stops.
 * A consumer dropped unfinished is reported and leaves (C7).
 *
 * @param source - Any source: an iterable, an async iterable, an iterator, a stage.
 * @param options - `bufferSize` (default 16), `signal` and `closeTimeout`.
 * @returns A {@link Shared}: iterate it once per consumer.
 * @throws TypeError / RangeError at the call when the source or an option is wrong.
 * @example
 * ```ts
 * import { share, pipe, map, toArray } from 'iterscope';
 *
 * async function* ticks() { for (let i = 1; i <= 3; i++) yield i; }
 * const shared = share(ticks());
 * // Two consumers of one generator: each gets every item; it is read once.
 * const [doubled, squared] = await Promise.all([
 *   toArray(pipe(shared, map((n: number) => n * 2))),
 *   toArray(pipe(shared, map((n: number) => n * n))),
 * ]);
 * console.log(doubled, squared); // [2, 4, 6] [1, 4, 9]
 * ```
 */
export function share<T>(source: Source<T>, options?: ShareOptions): Shared<T> {
  const { bufferSize, stage } = sharedOptions('share', options);
  const hub = new SharedSource<T>('share', source, bufferSize, stage);
  return {
    [Symbol.asyncIterator]: () => hub.consumer(),
    close: () => hub.close(),
    [Symbol.asyncDispose]: () => hub.close(),
  };
}
