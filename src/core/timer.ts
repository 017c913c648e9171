/**
 * The one timer a stage runs (timeout, debounce, batchTime). Two things make a stage's
 * timer safe, and they live here so every timed stage gets both:
 *
 * - C7: the pending `setTimeout` holds the stage only through a `WeakRef`, so a stage
 *   dropped while its timer runs is still collected and reported; and the safety net's
 *   record holds only the timer's slot (never the stage), to clear it then.
 * - Time comes from the global `setTimeout`/`clearTimeout`, looked up at each call, so
 *   fake timers (`vi.useFakeTimers()`) installed after the stage was made still drive it.
 */
import type { AbandonRecord } from './abandonment.js';

/** What the timer calls when it fires: a method of the stage, reached through a WeakRef. @internal */
export interface TimerOwner {
  readonly record: AbandonRecord;
  timerFired(): void;
}

/** The running timer, in an object the safety net's finalizer can hold without the stage. */
interface TimerSlot {
  timer: ReturnType<typeof setTimeout> | undefined;
}

/** @internal */
export class StageTimer {
  private readonly slot: TimerSlot = { timer: undefined };
  /** C7: the pending timer holds this, never the stage. */
  private readonly owner: WeakRef<TimerOwner>;

  constructor(owner: TimerOwner) {
    this.owner = new WeakRef(owner);
    // C7: an abandoned stage's timer is cleared with it (the record holds the slot only).
    (owner.record.finalizers ??= []).push(clearer(this.slot));
  }

  /** True while the timer runs (started, not yet fired or cleared). */
  get running(): boolean {
    return this.slot.timer !== undefined;
  }

  /** (Re)start the timer: it fires once, `ms` from now; a running one is cleared first. */
  start(ms: number): void {
    clearSlot(this.slot);
    this.slot.timer = setTimeout(fire, ms, this.slot, this.owner);
  }

  /** Stop the timer if it runs. Every stop of the stage calls this. */
  clear(): void {
    clearSlot(this.slot);
  }
}

/** Module-level, so the timer holds the slot and the stage's WeakRef, never the stage (C7). */
function fire(slot: TimerSlot, owner: WeakRef<TimerOwner>): void {
  slot.timer = undefined;
  owner.deref()?.timerFired();
}

function clearSlot(slot: TimerSlot): void {
  clearTimeout(slot.timer); // clearTimeout(undefined) does nothing
  slot.timer = undefined;
}

/** Module-level, so the finalizer holds the slot only (C7). */
function clearer(slot: TimerSlot): () => void {
  return () => {
    clearSlot(slot);
  };
}
