import { NO_ERROR, TimeoutError } from '../errors.js';
import type { Operator } from '../operator.js';
import type { Source } from '../source.js';
import { StageBase, type StageOptions } from '../stage.js';
import { checkRange, checkStageOptions } from '../validate.js';

/** The running timer, in an object the safety net's finalizer can hold without the stage. */
interface TimerSlot {
  timer: ReturnType<typeof setTimeout> | undefined;
}

class TimeoutStage<T> extends StageBase<T, T> {
  private readonly slot: TimerSlot = { timer: undefined };
  /** C7: the timer holds the stage weakly, so an abandoned stage is still collected. */
  private readonly self = new WeakRef<TimeoutStage<T>>(this);

  constructor(
    source: Source<T>,
    private readonly ms: number,
    options: StageOptions | undefined,
  ) {
    super('timeout', source, options);
    // C7: an abandoned stage's timer is cleared with it (the record holds the slot only).
    (this.record.finalizers ??= []).push(clearSlot(this.slot));
  }

  protected override pull(): void {
    this.slot.timer = setTimeout(fire, this.ms, this.self);
    super.pull();
  }

  protected override step(value: T): T {
    clearTimeout(this.slot.timer);
    this.slot.timer = undefined;
    return value;
  }

  /**
   * The timer fired. A timeout is an abort whose reason is the TimeoutError: the pending
   * next() rejects at once and the chain closes with the deadline, exactly as for any
   * abort (C2, C3); sources that took the close signal see it aborted with that reason.
   * @internal
   */
  timedOut(): void {
    this.slot.timer = undefined;
    if (this.isOpen) this.abortNow(new TimeoutError(this.ms));
  }

  protected override closeChildren(): typeof NO_ERROR {
    clearTimeout(this.slot.timer);
    this.slot.timer = undefined;
    return NO_ERROR;
  }
}

/** Module-level, so the timer holds the stage's WeakRef and never the stage (C7). */
function fire(self: WeakRef<{ timedOut(): void }>): void {
  self.deref()?.timedOut();
}

function clearSlot(slot: TimerSlot): () => void {
  return () => {
    clearTimeout(slot.timer);
    slot.timer = undefined;
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
  return (source) => new TimeoutStage<T>(source, ms, options);
}
