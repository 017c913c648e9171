import type { Stage, StageOptions } from '../stage.js';
import { checkRange, checkStageOptions } from '../validate.js';
import { PushStage } from './push-stage.js';

/**
 * Options of {@link channel}.
 *
 * @example
 * ```ts
 * import { channel, type ChannelOptions } from 'iterscope';
 * const options: ChannelOptions = { capacity: 16, signal: AbortSignal.timeout(1_000) };
 * channel<number>(options).close();
 * ```
 */
export interface ChannelOptions extends StageOptions {
  /**
   * How many pushed items may wait for the consumer before `push` starts to wait: a whole
   * number from 0 up, or Infinity. Default 0: each `push` resolves when its item is read.
   */
  readonly capacity?: number | undefined;
}

/**
 * The producer's side of a {@link channel} and the stream it feeds.
 *
 * @example
 * ```ts
 * import { channel, type Channel } from 'iterscope';
 * const ch: Channel<string> = channel<string>();
 * void ch.push('hello');
 * ch.close();
 * for await (const s of ch.stream) console.log(s); // 'hello'
 * ```
 */
export interface Channel<T> {
  /** The stream of pushed items, for one consumer. */
  readonly stream: Stage<T>;
  /**
   * Push an item. Resolves `true` once the consumer has read it (or it fits within
   * `capacity`), `false` when it never will be: the stream stopped, or `close()` or
   * `error()` came first. Never rejects.
   */
  push(value: T): Promise<boolean>;
  /** End the stream after the items already pushed. */
  close(): void;
  /**
   * Fail the stream with `error` after the items already pushed. If the consumer stops
   * before reading it, the error is reported (`late-error` through `onReport`), not lost (C5).
   */
  error(error: unknown): void;
  /**
   * Aborts when the stream stops for any reason: the consumer's `break`/`return()`, an
   * abort (with its reason, that exact object), or the end after `close()`/`error()`.
   * Hand it to whatever produces the items (a socket, `fetch`) so that it stops too.
   */
  readonly signal: AbortSignal;
}

/**
 * A push source: the bridge from callbacks (events, WebSockets, SSE, a queue) to a stream
 * that closes like every iterscope stage. The producer calls `push`, `close` and `error`;
 * `push` has backpressure (it resolves when the item is read, or fits in `capacity`), and
 * `signal` tells the producer when the consumer has stopped.
 *
 * @param options - `capacity` (default 0), `signal` and `closeTimeout`.
 * @returns The producer's side, with the consumer's `stream`.
 * @throws TypeError / RangeError at the call when an option is wrong.
 * @example
 * ```ts
 * import { channel } from 'iterscope';
 *
 * const ch = channel<number>();
 * void (async () => {
 *   for (let i = 0; !ch.signal.aborted; i++) {
 *     if (!(await ch.push(i))) break; // waits until the consumer reads i
 *   }
 * })();
 * for await (const x of ch.stream) {
 *   console.log(x); // 0, 1, 2
 *   if (x === 2) break; // ch.signal aborts: the producer stops
 * }
 * ```
 */
export function channel<T>(options?: ChannelOptions): Channel<T> {
  checkStageOptions('channel', options);
  const capacity = options?.capacity ?? 0;
  checkRange('channel', 'options.capacity', capacity, 'count');
  const stage = new PushStage<T>('channel', capacity, options);
  return {
    stream: stage,
    push: (value) => stage.push(value),
    close: () => {
      stage.close();
    },
    error: (error) => {
      stage.error(error);
    },
    signal: stage.stopSignal,
  };
}
