/**
 * C2: `return()` never waits past the pipeline's close deadline. A close still running at
 * the deadline is left to finish in the background and reported (C5): never silently,
 * never hanging forever.
 */
import { NO_ERROR } from './errors.js';
import { report } from './report.js';

/**
 * The latest clock reading taken through `now()`: on a monotonic clock, never later than
 * any reading to come.
 */
let floor = -Infinity;

/** `performance.now()`, remembered (see `deadlineWithin`). */
export function now(): number {
  const reading = performance.now();
  floor = reading;
  return reading;
}

/**
 * C2: the earlier of an owner's deadline and `timeout` ms from now: the deadline of a
 * stage its owner closes. The owner read the clock a moment ago to set its deadline, so
 * when `deadlineAt` is no later than that reading plus `timeout`, the stage's own deadline
 * cannot come first and the clock is not read again: down a chain of stages whose
 * closeTimeout is no shorter than their owner's, the stages read it once between them,
 * not once each (the close of a source that is no stage, and a cleanup, still read it for
 * their timer). On Node 20 each reading allocates, and closing is the path whose bytes
 * count (close-order.ts). A reading later than `deadlineAt` (a clock that went back, as
 * fake timers do) is not trusted.
 */
export function deadlineWithin(deadlineAt: number, timeout: number): number {
  if (floor <= deadlineAt && deadlineAt <= floor + timeout) return deadlineAt;
  return Math.min(deadlineAt, now() + timeout);
}

/**
 * Wait for `closing` (which resolves to a cleanup error or NO_ERROR and never rejects)
 * until `deadlineAt` (a `performance.now()` time). At the deadline, resolve NO_ERROR and
 * report a straggler; if the close fails later, report that error too.
 *
 * The timer starts only for a close still running two microtask turns later (see
 * {@link armLater}): most closes settle by then, and starting and clearing a timer was
 * the largest single cost of closing (on Node, a timer list of its own and the event
 * loop's timer set again: about half of a one-stage close's time on the benchmark
 * machine). The deadline is the same absolute time either way.
 */
export function settleByDeadline(closing: Promise<unknown>, deadlineAt: number, stage: string): Promise<unknown> {
  if (deadlineAt === Infinity) return closing;
  return new Promise((resolve) => {
    const wait = new DeadlineWait(deadlineAt, stage, resolve);
    armLater(wait);
    void closing.then((outcome) => {
      wait.settle(outcome);
    });
  });
}

/** One close waited for until its deadline (see {@link settleByDeadline}). */
class DeadlineWait {
  /** Settled, or timed out: nothing more to arm or answer. */
  private over = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** When the timer started: the close began at most two microtask turns earlier. */
  private started = 0;

  constructor(
    private readonly deadlineAt: number,
    private readonly stage: string,
    private readonly resolve: (outcome: unknown) => void,
  ) {}

  /** The close settled with `outcome`: answered, or, after the deadline, reported if it failed. */
  settle(outcome: unknown): void {
    if (!this.over) {
      this.over = true;
      clearTimeout(this.timer); // clearTimeout(undefined) does nothing
      this.resolve(outcome);
    } else if (outcome !== NO_ERROR) {
      report({ type: 'late-error', stage: this.stage, error: outcome });
    }
  }

  /** The close is still running: start the timer for the rest of the time to the deadline. */
  arm(): void {
    if (this.over) return;
    const started = now();
    this.started = started;
    // Whole milliseconds: Node keeps one list of timers per duration, and a fraction
    // would make a list (and a place in its queue of lists) for every close.
    this.timer = setTimeout(expire, Math.max(0, Math.ceil(this.deadlineAt - started)), this);
  }

  /** The deadline passed first: the close goes on in the background, reported (C5). */
  expire(): void {
    if (this.over) return;
    this.over = true;
    report({ type: 'straggler', stage: this.stage, waitedMs: Math.round(performance.now() - this.started) });
    this.resolve(NO_ERROR);
  }
}

/** Module-level: the timer holds the wait, and no closure is made per close. */
function expire(wait: DeadlineWait): void {
  wait.expire();
}

/** Waits to arm at the end of this batch's second microtask turn (see {@link armLater}). */
let toArm: DeadlineWait[] = [];
const resolved = Promise.resolve();

/**
 * Arm `wait` two microtask turns from now unless its close settled by then. Two: a close
 * whose `return()` answered an already settled promise settles `closing` in the first turn
 * and the wait's reaction runs in the second, ahead of the arming queued behind it.
 * One batch for every wait made before the batch's second turn: two promise reactions per
 * batch, none per wait (`queueMicrotask` would make an async resource for each, on Node).
 * A wait that joins during the first turn is armed one turn after it was made: sooner
 * than needed, which costs a timer and is never late.
 */
function armLater(wait: DeadlineWait): void {
  toArm.push(wait);
  if (toArm.length === 1) void resolved.then(secondTurn);
}

function secondTurn(): void {
  void resolved.then(armBatch);
}

function armBatch(): void {
  const batch = toArm;
  toArm = [];
  for (const wait of batch) wait.arm();
}

/** Run a close step that may throw or reject, as a promise of its error (or NO_ERROR). */
export function capture(step: () => unknown): Promise<unknown> {
  let result: unknown;
  try {
    result = step();
  } catch (err) {
    return Promise.resolve(err);
  }
  return Promise.resolve(result).then(noError, itsError);
}

// Made once: an arrow written in `capture` would be a new function on every close.
const noError = (): typeof NO_ERROR => NO_ERROR;
const itsError = (err: unknown): unknown => err;
