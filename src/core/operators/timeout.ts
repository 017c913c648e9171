import { NO_ERROR, TimeoutError } from '../errors.js';
import type { Operator } from '../operator.js';
import type { Source } from '../source.js';
import { StageBase, type StageOptions } from '../stage.js';
import { checkRange, checkStageOptions } from '../validate.js';

class TimeoutStage<T> extends StageBase<T, T> {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly stopForwarding: (() => void) | undefined;

  constructor(
    source: Source<T>,
    private readonly ms: number,
    private readonly controller: AbortController,
    signal: AbortSignal | undefined,
    closeTimeout: number | undefined,
  ) {
    // The stage's own signal is the controller's: a timeout is an abort whose reason is
    // the TimeoutError, so the pending next() rejects at once and the chain closes with
    // the deadline, exactly as for any abort (C2, C3). Sources that take a signal get it.
    super('timeout', source, { signal: controller.signal, closeTimeout });
    if (signal !== undefined) this.stopForwarding = forwardAbort(signal, controller);
  }

  protected override pull(): void {
    this.timer = setTimeout(this.onTimeout, this.ms);
    super.pull();
  }

  protected step(value: T): T {
    clearTimeout(this.timer);
    this.timer = undefined;
    return value;
  }

  private readonly onTimeout = (): void => {
    this.timer = undefined;
    if (this.isOpen) this.controller.abort(new TimeoutError(this.ms));
  };

  protected override closeChildren(): typeof NO_ERROR {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.stopForwarding?.();
    return NO_ERROR;
  }
}

/** The caller's signal aborts the stage's controller with the same reason (C3: identity). */
function forwardAbort(signal: AbortSignal, controller: AbortController): () => void {
  if (signal.aborted) {
    controller.abort(signal.reason);
    return () => undefined;
  }
  const onAbort = (): void => {
    controller.abort(signal.reason);
  };
  signal.addEventListener('abort', onAbort, { once: true });
  return () => {
    signal.removeEventListener('abort', onAbort);
  };
}

/**
 * Limit how long each item may take: if `ms` pass between asking the source for an item
 * and getting it, the pending `next()` rejects at once with a {@link TimeoutError} and the
 * chain is closed: nobody waits on the parked source beyond the close deadline (C2).
 *
 * Upstream, a timeout is an abort: stages above see outcome `aborted` with the
 * `TimeoutError` as the reason, and sources that take a signal are aborted with it.
 * `options.signal` is honoured as well (its reason, that exact object, wins if it fires
 * first).
 *
 * @param ms - The limit per item, in milliseconds: a number from 0 up.
 * @param options - `signal` and `closeTimeout`, as for `aclosing`.
 * @returns An operator for {@link pipe}.
 * @throws TypeError / RangeError at the call when `ms` is not a finite number from 0 up.
 * @example
 * ```ts
 * import { pipe, timeout } from 'iterscope';
 *
 * async function* stalls() { yield 1; await new Promise(() => {}); }
 * try {
 *   for await (const x of pipe(stalls(), timeout(20, { closeTimeout: 10 }))) console.log(x); // 1
 * } catch (err) {
 *   console.log((err as Error).name); // 'TimeoutError'
 * }
 * ```
 */
export function timeout<T>(ms: number, options?: StageOptions): Operator<T, T> {
  checkRange('timeout', 'ms', ms, 'delay');
  checkStageOptions('timeout', options);
  const signal = options?.signal;
  const closeTimeout = options?.closeTimeout;
  return (source) => new TimeoutStage<T>(source, ms, new AbortController(), signal, closeTimeout);
}
