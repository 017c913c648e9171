/**
 * The read loop of a stage with one source: read the source for the pending `next()`, run
 * the item through the stage's `step()` and the fused steps after it (its tail), and hand
 * the outcome back to the stage. Once the source has reported done, reads go to the
 * stage's `flush()` instead. The stage keeps what a stop means (outlet.ts, close-order.ts,
 * stage.ts); the loop decides, for each answer of the source, which stop or answer it is.
 *
 * The transitions, each documented where it happens:
 *
 *   pull      → finish            the stage knew before reading that it is finished (take)
 *   pull      → finish            a step ended the stream after its last item (take): the
 *                                 stage's own step completes it, a fused step after it
 *                                 stops it as its consumer would (tailStopped)
 *   pull      → flush             the source ended earlier: `flush()` answers this read
 *   pull      → read the source   C3: an iterable opens with the stage's signal
 *   item      → step, tail        then deliver (below)
 *   done      → flush             C1: the source finished: it is never closed
 *   error     → sourceFailed      C1: finished, not closed; C3: an abort below stays an abort
 *   a late answer (the stage stopped meanwhile): dropped, or its error reported (C5)
 *   deliver:  item → emit (answer, read on for the next reader); SKIP → pull;
 *             STOP → finish, closing the source (C1), or tailStopped when a fused step
 *             after the stage's own answered it; a promise → wait for it;
 *             own step failed → callbackFailed (C1, C5); a fused step after it failed → tailFailed
 *
 * One loop per single-source stage, made with it. It is the sink of the stage's input, so
 * the source's answers come here with no closure per stage or per item.
 */
import { Input, type InputHost, type InputOptions, type InputSink } from './input.js';
import type { Classified } from './source.js';
import { isThenable } from './source.js';
import { skip as SKIP, stop as STOP } from './step-result.js';

/**
 * What a stage's `step()` answers for one item: the output, SKIP (read another item
 * without answering the consumer, filter) or STOP (finish, closing the source). The public
 * `skip` and `stop` are these very values, so a user operator's answer goes through the
 * same path as a built-in one's.
 * @internal
 */
export type StepResult<T> = T | typeof SKIP | typeof STOP;

/**
 * One per-item step (map, filter, tap, scan, take, ...), as data: the function the operator
 * was given, called by the loop itself with the item and its index (see {@link runStep}).
 * The function answers the output, SKIP, STOP, or a promise of one; a verdict step
 * (filter, takeWhile) answers whether to keep the item. Data rather than a closure around the
 * operator's function: the closure was one more call per step and item, made from a call
 * site that sees every step of the chain (megamorphic, never inlined), about 10 ns each
 * on the benchmark machine.
 * @internal
 */
export interface TailStep {
  /** Called as a plain function (`this` undefined), with the item and its index. */
  readonly fn: (value: unknown, index: number) => unknown;
  /**
   * A verdict step: `fn` answers whether to keep the item (or a promise of that); truthy
   * passes the item, falsy answers this instead: SKIP (filter) or STOP (takeWhile).
   * Undefined for a step whose answer is its output.
   */
  readonly otherwise: typeof SKIP | typeof STOP | undefined;
  /** How many items this step was handed before: the index of the next one. */
  index: number;
}

/**
 * A step calling `fn(item, index)`: its answer is the output (map), or, given `otherwise`,
 * whether to keep the item (filter: SKIP the others; takeWhile: STOP at the first other).
 * Operators with more state than the index (scan's accumulator, dropWhile's flag) pass a
 * closure that keeps it.
 * @internal
 */
export function tailStep(fn: (value: never, index: number) => unknown, otherwise?: typeof SKIP | typeof STOP): TailStep {
  return { fn: fn as (value: unknown, index: number) => unknown, otherwise, index: 0 };
}

/**
 * Run `step` on one item: the output, SKIP, STOP or a promise of one. The one place a step
 * is called, for a fused step and for the standalone stage of the same operator alike.
 * @internal
 */
export function runStep(step: TailStep, value: unknown): unknown {
  const fn = step.fn; // a plain call: `this` is undefined, as when the operator called it itself
  const out = fn(value, step.index++);
  const otherwise = step.otherwise;
  return otherwise === undefined ? out : keepOr(value, out, otherwise);
}

/** The item, or `otherwise`, by a verdict (or a promise of one). */
function keepOr(value: unknown, keep: unknown, otherwise: symbol): unknown {
  if (isThenable(keep)) return Promise.resolve(keep).then((k) => (k ? value : otherwise));
  return keep ? value : otherwise;
}

/**
 * Makes one stage's fused step. `end` marks the item the step is answering as the last:
 * the stage passes it on, then finishes instead of reading again (take's last item: C1,
 * nothing is read beyond what was asked for). Out of band, so no item is wrapped.
 * @internal
 */
export type StepMaker = (end: () => void) => TailStep;

/**
 * What the loop needs from its stage: members StageBase keeps protected for its
 * subclasses (the stage passes itself, as it does to its inputs).
 * @internal
 */
export interface LoopHost<T, S> {
  /** Reading: pulled at least once and not stopping. */
  readonly isOpen: boolean;
  /** Set by operators that know before a read that they are finished (take). */
  readonly stopBeforePull: boolean;
  /** C3: the signal an iterable source opens with. */
  readonly sourceSignal: AbortSignal | undefined;
  step(value: S): StepResult<T> | PromiseLike<StepResult<T>>;
  flush(): T | typeof STOP;
  /** Answer the oldest pending next() with an item, then read on if another waits. */
  emit(value: T): void;
  /** Read again (the stage's own `pull()`, which a subclass may override). */
  pull(): void;
  finish(closeSource: boolean): void;
  callbackFailed(error: unknown): void;
  /** A fused step after the stage's own ended the stream (STOP, or its last item passed). */
  tailStopped(): void;
  tailFailed(error: unknown): void;
  sourceFailed(error: unknown): void;
  lateError(error: unknown): void;
}

/** A fused step's failure, carried in place of the value it did not produce (see runTail). */
class TailFailure {
  constructor(
    readonly error: unknown,
    /** The failing step is the stage's own operator's (see `ownSteps`). */
    readonly own: boolean,
  ) {}
}

/** STOP answered by a fused step after the stage's own: the stage stops as if its consumer had. */
const TAIL_STOP = Symbol('iterscope.tailStop');

/** Who ended the stream after its last item (see `end` in StepMaker). */
const NOT_ENDING = 0;
const OWN_END = 1;
const TAIL_END = 2;

type Out<T> = StepResult<T> | PromiseLike<StepResult<T>> | TailFailure | typeof TAIL_STOP;

/** @internal */
export class ReadLoop<T, S> implements InputSink<S> {
  /** The single source (C1, C7: see input.ts). */
  readonly input: Input<S>;
  private readonly host: LoopHost<T, S>;
  /** C3: the stage's own signal is the one its source opens with: the stage listens to it. */
  private readonly ownSignal: boolean;
  /** The source reported done: every later read goes to `flush()`. */
  private sourceDone = false;
  /**
   * Fusion: option-less per-item steps (map, filter, take, ...) that `pipe` placed right after this
   * stage run here, after `step()`, instead of as stages of their own (one promise
   * hand-off per item fewer for each). See `absorb` and operators/fused.ts.
   */
  private tail: TailStep[] | undefined;
  /**
   * How many steps at the head of the tail are the stage's own operator's: `fuse` runs
   * the first operator of a run as a step too. Their STOP, end or failure is the stage's
   * own (completed, error); the others' are a stop from the consumer's side (cancelled).
   */
  private ownSteps = 0;
  /** A step marked its item as the last (take): the next read finishes instead. */
  private ending: typeof NOT_ENDING | typeof OWN_END | typeof TAIL_END = NOT_ENDING;
  /** The callbacks of an async step, made on the first one: most stages never need them. */
  private stepSettled: ((out: unknown) => void) | undefined;
  private stepFailed: ((error: unknown) => void) | undefined;

  constructor(host: LoopHost<T, S>, inputHost: InputHost, classified: Classified, options: InputOptions) {
    this.host = host;
    this.ownSignal = options.signal !== undefined;
    this.input = new Input<S>(inputHost, classified, 0, this, options);
  }

  /** True when fused steps run after the stage's own (see `absorb`). */
  get hasTail(): boolean {
    return this.tail !== undefined;
  }

  /** Read one item for the pending next(). */
  pull(): void {
    const host = this.host;
    if (host.stopBeforePull) {
      // Finished before reading (take's count reached): the source is closed instead of
      // being asked for an item nobody wants (C1).
      host.finish(true);
      return;
    }
    if (this.ending !== NOT_ENDING) {
      // A fused step passed its last item (take): the same, for the step that ended it.
      if (this.ending === OWN_END) host.finish(true);
      else host.tailStopped();
      return;
    }
    if (this.sourceDone) {
      this.flushOne();
      return;
    }
    // C3: an iterable opens with the stage's signal (or its owner's); the owner listens
    // for it when it is the stage's own.
    this.input.read(host.sourceSignal, this.ownSignal);
  }

  /**
   * Take fused steps: they run after the stage's own step, in order. The first `own` of
   * them are the stage's own operator's (a run that `fuse` made a stage of).
   */
  absorb(makers: readonly StepMaker[], own = 0): void {
    const at = this.tail?.length ?? 0;
    const steps = makers.map((make, i) => make(at + i < own ? this.endOwn : this.endTail));
    if (at === 0) this.ownSteps = own;
    this.tail = [...(this.tail ?? []), ...steps];
  }

  private readonly endOwn = (): void => {
    if (this.ending === NOT_ENDING) this.ending = OWN_END;
  };

  private readonly endTail = (): void => {
    if (this.ending === NOT_ENDING) this.ending = TAIL_END;
  };

  /** The source answered (InputSink). */
  inputResult(input: Input<S>, result: IteratorResult<S>): void {
    if (result.done !== true) {
      this.inputItem(input, result.value);
      return;
    }
    if (!this.host.isOpen) return; // closed while the source was parked: the stop stands
    // C1: the source finished on its own: it is never closed; flush() answers from now on.
    this.sourceDone = true;
    this.flushOne();
  }

  /** The source answered an item (InputSink: a direct read, or inputResult's item). */
  inputItem(_input: Input<S>, value: S): void {
    const host = this.host;
    if (!host.isOpen) return; // closed while the source was parked: drop the late item
    let out: Out<T>;
    try {
      out = host.step(value);
      if (this.tail !== undefined) out = this.runTail(out, 0) as Out<T>;
    } catch (error) {
      // C1: the stage's own callback failed: the source is closed.
      host.callbackFailed(error);
      return;
    }
    this.deliver(out);
  }

  /** The source's next() rejected (InputSink). */
  inputError(_input: Input<S>, error: unknown): void {
    const host = this.host;
    if (!host.isOpen) {
      // C5: the stage had stopped; an error that is not the stop arriving is reported.
      host.lateError(error);
      return;
    }
    // C1: a source that failed is finished, not closed; C3: failing with an abort is an abort.
    host.sourceFailed(error);
  }

  /** One read after the source's end: what `flush()` holds back, then done (C1: the source is finished, never closed). */
  private flushOne(): void {
    const host = this.host;
    let out: Out<T>;
    try {
      const value = host.flush();
      if (value === STOP) {
        host.finish(false);
        return;
      }
      out = this.tail === undefined ? value : (this.runTail(value, 0) as Out<T>);
    } catch (error) {
      host.callbackFailed(error);
      return;
    }
    this.deliver(out);
  }

  /** Hand the step's outcome to the stage (see the transitions above). */
  private deliver(out: Out<T>): void {
    const host = this.host;
    if (typeof out !== 'object' && typeof out !== 'function' && typeof out !== 'symbol') {
      // The usual answer, a plain item (SKIP, STOP and TAIL_STOP are symbols, a failure
      // or a promise an object): one test instead of five. Each `typeof` is compared where
      // it is taken: kept in a variable, it was compiled to a call (V8's Typeof builtin).
      host.emit(out);
    } else if (out === SKIP) {
      host.pull();
    } else if (out === STOP) {
      host.finish(true); // C1: finished early: the source is closed
    } else if (out === TAIL_STOP) {
      host.tailStopped(); // C1: the source is closed
    } else if (out instanceof TailFailure) {
      if (out.own) host.callbackFailed(out.error);
      else host.tailFailed(out.error);
    } else if (isThenable(out)) {
      out.then(
        (this.stepSettled ??= (settled) => {
          this.onStepSettled(settled as StepResult<T> | TailFailure);
        }),
        (this.stepFailed ??= (error) => {
          this.onStepFailed(error);
        }),
      );
    } else {
      host.emit(out);
    }
  }

  private onStepSettled(out: StepResult<T> | TailFailure | typeof TAIL_STOP): void {
    if (out instanceof TailFailure) {
      this.onStepFailed(out.error, !out.own);
      return;
    }
    const host = this.host;
    if (!host.isOpen) return; // the stage stopped while the step ran: its answer has no reader
    if (out === SKIP) host.pull();
    else if (out === STOP) host.finish(true);
    else if (out === TAIL_STOP) host.tailStopped();
    else host.emit(out);
  }

  private onStepFailed(error: unknown, inTail = false): void {
    const host = this.host;
    if (!host.isOpen) {
      host.lateError(error); // C5: the stage stopped while the step ran: reported, not lost
      return;
    }
    if (inTail) host.tailFailed(error);
    else host.callbackFailed(error);
  }

  /**
   * Run the fused steps from `from` on the output of the step before; SKIP and STOP end
   * the run, a promise continues it when it settles. A step that throws or rejects ends it
   * with a TailFailure: the failure travels with the value (sync, or the promise's), so the
   * loop tells it from a failure of the stage's own step by what it receives. A STOP from
   * a step that is not the stage's own travels as TAIL_STOP, for the same reason.
   *
   * The per-item path: one try for the whole run, and the continuations after a promise
   * in methods of their own, so that this one makes no closure. SKIP and STOP are compared
   * only with a symbol: a comparison that has seen both numbers and symbols is compiled as
   * a call to V8's generic equality, about 5% of a fused pipeline's time per item.
   */
  private runTail(value: unknown, from: number): unknown {
    if (typeof value === 'symbol') {
      if (value === SKIP || value === STOP) return value;
    } else if (isThenable(value)) {
      return this.resumeTail(value, from);
    }
    const tail = this.tail ?? [];
    let i = from;
    try {
      for (; i < tail.length; i++) {
        // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- i < tail.length; no test on the per-item path
        const out = runStep(tail[i]!, value);
        if (typeof out === 'symbol') {
          if (out === SKIP) return out;
          if (out === STOP) return i < this.ownSteps ? STOP : TAIL_STOP;
        } else if (isThenable(out)) {
          return this.awaitStep(out, i);
        }
        value = out;
      }
    } catch (error) {
      return new TailFailure(error, i < this.ownSteps);
    }
    return value;
  }

  /** The step before the tail (the stage's own) answered with a promise: run the tail from `from` once it settles; its rejection is the stage's own step failing. */
  private resumeTail(pending: PromiseLike<unknown>, from: number): Promise<unknown> {
    return Promise.resolve(pending).then((settled) => this.runTail(settled, from));
  }

  /** Step `at` answered with a promise: go on from the step after it once it settles; a rejection is that step's failure. */
  private awaitStep(pending: PromiseLike<unknown>, at: number): Promise<unknown> {
    const own = at < this.ownSteps;
    return Promise.resolve(pending).then(
      (settled) => (settled === STOP && !own ? TAIL_STOP : this.runTail(settled, at + 1)),
      (error: unknown) => new TailFailure(error, own),
    );
  }
}
