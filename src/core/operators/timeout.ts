import { NO_ERROR, TimeoutError } from '../errors.js';
import type { Operator } from '../operator.js';
import type { Source } from '../source.js';
import type { DirectReader } from '../protocol.js';
import { StageBase, type StageOptions } from '../stage.js';
import { StageTimer } from '../timer.js';
import { checkRange, checkStageOptions } from '../validate.js';

class TimeoutStage<T> extends StageBase<T, T> {
  /** C7: holds the stage weakly, cleared by the safety net (timer.ts). */
  private readonly timer = new StageTimer(this);

  constructor(
    source: Source<T>,
    private readonly ms: number,
    options: StageOptions | undefined,
  ) {
    super('timeout', source, options);
  }

  /** The per-read hook (C8's): the limit runs from asking the source until its answer. */
  protected override readSource(source: AsyncIterator<T>, reader?: DirectReader): unknown {
    this.timer.start(this.ms);
    return super.readSource(source, reader);
  }

  protected override step(value: T): T {
    this.timer.clear();
    return value;
  }

  /**
   * The timer fired. A timeout is an abort whose reason is the TimeoutError: the pending
   * next() rejects at once and the chain closes with the deadline, exactly as for any
   * abort (C2, C3); sources that took the close signal see it aborted with that reason.
   * @internal
   */
  timerFired(): void {
    if (this.isOpen) this.abortNow(new TimeoutError(this.ms));
  }

  protected override closeChildren(): typeof NO_ERROR {
    this.timer.clear();
    return NO_ERROR;
  }
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
  return (source) => new TimeoutStage<T>(source, ms, options);
}
