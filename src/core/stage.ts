/**
 * The one mechanism every iterscope stage is built on. An operator supplies `step()` (what
 * to do with one item) and, if it needs them, `closeChildren()` and `cleanup()`; closing
 * (C1), prompt settlement (C2), abort (C3), order (C4), error attachment (C5), disposal
 * (C6) and the safety net (C7) come from here, so a new operator inherits the contract
 * instead of re-implementing it.
 *
 * The stage is split by concern: what the pending `next()` calls receive (outlet.ts), the
 * close sequence (close-order.ts runs the phases listed in `closeOrder`), and the read loop
 * over a single source (read-loop.ts). This file holds the states and the transitions
 * between them: opening, stopping on the stage's own terms, closing from outside, aborting.
 *
 * Stages are hand-written iterator objects, not `async function*`: a generator queues
 * `return()` behind a pending `next()` and cannot be settled from outside.
 */
import { handedSignal, keep, track, untrack, type AbandonRecord } from './abandonment.js';
import { listenForAbort } from './abort-listener.js';
import { closeInOrder, SKIPPED as SKIPPED_PHASE, type ClosePhase } from './close-order.js';
import { capture, deadlineWithin, now, settleByDeadline } from './deadline.js';
import { NO_ERROR, suppress } from './errors.js';
import { CANCELLED, COMPLETED, closeReason, exitForSource, type Exit } from './exit.js';
import type { Input, InputHost } from './input.js';
import {
  isStage,
  kAbortedBy,
  kAbsorb,
  kAdopt,
  kClose,
  kRead,
  kSignalBelow,
  kThisCopy,
  readDirectly,
  signalBelow,
  type DirectReader,
} from './protocol.js';
import { answerDone, Outlet, rejectWith, type Answerer, type Rejecter } from './outlet.js';
import { ReadLoop, type LoopHost, type StepMaker, type StepResult } from './read-loop.js';
import { report } from './report.js';
import { runtime } from './runtime.js';
import { classify } from './source.js';
import { stop as STOP } from './step-result.js';
import { checkDuration, checkOptions, checkSignal } from './validate.js';

export { adoptIterator, closeIterator, kAbsorb, kAdopt, kClose } from './protocol.js';
export { closeReason } from './exit.js';

/**
 * An async iterator returned by iterscope: closes what it opened (C1), settles promptly
 * (C2), honours abort signals (C3) and is disposable (C6).
 *
 * @example
 * ```ts
 * import { aclosing, type Stage } from 'iterscope';
 *
 * async function* numbers() { yield 1; yield 2; }
 * const stage: Stage<number> = aclosing(numbers());
 * console.log(await stage.next()); // { done: false, value: 1 }
 * await stage.return();             // numbers() is closed
 * ```
 */
export interface Stage<T> extends AsyncIterableIterator<T, undefined, unknown>, AsyncDisposable {
  /** Read the next item. Concurrent calls are answered in order. */
  next(): Promise<IteratorResult<T, undefined>>;
  /**
   * Close the stream: a pending `next()` settles with `{ done: true }` at once, the close
   * travels down to every source, and the returned promise settles when they have
   * finished closing (or at the close deadline). Rejects with the cleanup error, if any.
   */
  return(value?: unknown): Promise<IteratorResult<T, undefined>>;
  /** Close the stream because of `error`, and reject with it (cleanup errors attached). */
  throw(error?: unknown): Promise<IteratorResult<T, undefined>>;
  /** The same iterator: a stage is its own iterable, like a generator object. */
  [Symbol.asyncIterator](): Stage<T>;
}

/**
 * Options every stage accepts.
 *
 * @example
 * ```ts
 * import { aclosing, type StageOptions } from 'iterscope';
 * const options: StageOptions = { signal: AbortSignal.timeout(1_000), closeTimeout: 500 };
 * const stage = aclosing([1, 2, 3], options);
 * await stage.return();
 * ```
 */
export interface StageOptions {
  /**
   * C3: aborting rejects a pending `next()` with `signal.reason` at once and closes the
   * chain. An already-aborted signal rejects the first `next()` without opening the source.
   */
  readonly signal?: AbortSignal | undefined;
  /**
   * C2: how long `return()` waits for the sources below to finish closing, in ms. Default:
   * the process-wide setting (5000 unless changed with `configure`).
   */
  readonly closeTimeout?: number | undefined;
}

const kAbort = Symbol('iterscope.stage.abort');

// `step()` results and fused steps: see read-loop.ts. C11: SKIP and STOP are registered
// symbols, so fused steps and user operators cross copies.
export { skip as SKIP, stop as STOP } from './step-result.js';
export type { StepMaker, StepResult, TailStep } from './read-loop.js';
export { runStep, tailStep } from './read-loop.js';

const IDLE = 0; // created, not yet pulled
const OPEN = 1; // pulled at least once, not finished
const CLOSING = 2; // stopping: closing sources, running cleanup
const DONE = 3; // finished and closed

/** Options the base takes from its subclasses (not public). @internal */
export interface BaseOptions extends StageOptions {
  /** False for `borrow`: closing the stage leaves the source open (C1). */
  readonly owns?: boolean;
  /**
   * True for stages that read several sources through inputs of their own (merge, zip,
   * flatMap...): `source` is ignored and `pull()` is theirs.
   */
  readonly ownInputs?: boolean;
}

/** @internal */
export abstract class StageBase<T, S = unknown> implements Stage<T> {
  /** The name used in reports and error messages (`map`, `aclosing`, ...). */
  readonly stageName: string;
  /** The single source (C1, C7: see input.ts); undefined for stages with inputs of their own. */
  private readonly single: Input<S> | undefined;
  /** Reads the single source and runs the steps (read-loop.ts); with `single`, or neither. */
  private readonly loop: ReadLoop<T, S> | undefined;
  private state = IDLE;
  private readonly signal: AbortSignal | undefined;
  private inheritedSignal: AbortSignal | undefined;
  private removeAbortListener: (() => void) | undefined;
  /** C3 rule 1: listens to a signal below while this stage answers its source's end. */
  private removeBelowListener: (() => void) | undefined;
  /** C3 rule 1: the nearest signal below this stage other than its own; null until looked up. */
  private below: AbortSignal | undefined | null = null;
  private readonly closeTimeout: number;
  /** @internal */
  readonly record: AbandonRecord;

  /** The pending next() calls and what the next one gets (C2, C3, C5: see outlet.ts). */
  private readonly outlet = new Outlet<T>();

  /** Resolves to the close's error (or NO_ERROR) once everything below has closed. */
  private closing: Promise<unknown> | undefined;
  /** C3: aborts the signal handed to sources when the stage stops; made on first use. */
  private handed: Map<AbortController, WeakRef<AbortSignal>> | undefined;
  /** C3: the reason the handed signals aborted with, once the stage stopped. */
  private stopReasonHanded: unknown = NO_ERROR;
  /** C3: the stage ended by an abort (its own signal's, or one from below), with this reason. */
  private aborted = false;
  private abortReason: unknown;

  /** Set by operators that know before pulling that they are finished (take). */
  protected stopBeforePull = false;

  constructor(where: string, source: unknown, options: BaseOptions | undefined) {
    checkOptions(where, options);
    const signal = options?.signal;
    const closeTimeout = options?.closeTimeout;
    if (signal !== undefined) checkSignal(where, 'options.signal', signal);
    if (closeTimeout !== undefined) checkDuration(where, 'options.closeTimeout', closeTimeout);
    const classified = options?.ownInputs === true ? undefined : classify(where, source);

    this.stageName = where;
    this.signal = signal;
    this.closeTimeout = closeTimeout ?? runtime.settings.closeTimeout;
    this.record = track(this, where);
    // C1: an iterator handed in is already open; the stage owns it from now on, and closes
    // it even if the stage is never pulled. An iterable opens on the first next().
    if (classified !== undefined) {
      // The loop gets the stage's protected members it calls, as the inputs do (see host).
      this.loop = new ReadLoop<T, S>(this as unknown as LoopHost<T, S>, this.host, classified, {
        owns: options?.owns,
        signal,
        ownerListens: signal !== undefined,
      });
      this.single = this.loop.input;
    }
    if (signal !== undefined) this.removeAbortListener = listenForAbort(signal, this, abortStage);
  }

  /**
   * Turn one source item into what the consumer gets, or SKIP / STOP, maybe async. The
   * default passes the item on unchanged: a stage that only adds the contract (aclosing,
   * abortable, withCleanup, ...) needs no step of its own.
   */
  protected step(value: S): StepResult<T> | PromiseLike<StepResult<T>> {
    return value as unknown as T;
  }

  /**
   * Runs once the single source has reported done, once per read from then on: an item to
   * pass (it goes through the fused steps like any other), or STOP to finish. Stages that
   * hold items back until the end (batch's last batch, endWith's values) override it; the
   * default finishes at once. May throw: that is the stage's own callback failing.
   */
  protected flush(): T | typeof STOP {
    return STOP;
  }

  /** What inputs need from their stage: the stage itself (name, record, C8 hooks). */
  protected get host(): InputHost {
    // The C8 hooks are protected for subclasses; inputs are part of the stage and call them.
    return this as unknown as InputHost;
  }

  /** C5: hold `error` for the consumer; reported if the stage is abandoned first (C7). */
  protected keep(error: unknown): void {
    keep(this.record, error);
  }

  /** C4: close nested or sibling iterators; runs before the source is closed. */
  protected closeChildren(_exit: Exit, _deadlineAt: number): Promise<unknown> | typeof NO_ERROR {
    return NO_ERROR;
  }

  /** The stage's own cleanup (withCleanup); runs after the source finished closing (C4). */
  protected cleanup(_exit: Exit): unknown {
    return undefined;
  }

  /** True when the stage defines a cleanup of its own worth waiting for. */
  protected hasCleanup = false;

  /**
   * C8 hooks: every call into the source goes through these two, so a stage that must
   * run the source's steps inside a context (bindContext, traced) overrides them instead
   * of re-implementing reading. `readSource` is the per-item path and takes no closure;
   * `inSourceContext` wraps opening and closing, as `fn(arg)`: an argument rather than a
   * closure, since it runs on every close.
   *
   * `reader` is given when the source is an iterscope stage: the default reads it directly
   * (`kRead`), with no promise, and returns READ_DIRECTLY. An override that runs the read in
   * a context reads through `next()` instead: the answer then reaches this stage in its
   * own context, not in the one the source answered from (C8).
   */
  protected readSource(source: AsyncIterator<S>, reader?: DirectReader): unknown {
    if (reader === undefined) return source.next();
    return readDirectly(source, reader);
  }
  protected inSourceContext<A, R>(fn: (arg: A) => R, arg: A): R {
    return fn(arg);
  }

  /**
   * C8: true when an answer this stage gives now runs nothing after its own `step()` but
   * the settling of a `next()` promise: no step is fused after it, and the reader waiting
   * is a `next()`, not a stage reading this one directly. A stage that runs its source's
   * reads inside a context may then read an iterscope source directly in that context
   * (no promise per item): the answer arrives in that context, and the only code of the
   * consumer's it leads to, the promise's reaction, runs in the context its `then` was
   * called in. Otherwise the answer must come back through a promise, to reach the steps
   * and stages after this one in their own context.
   */
  protected get answerReachesOnlyNext(): boolean {
    return this.loop?.hasTail === false && this.outlet.headIsNext;
  }

  /** The signal handed to sources that accept one: the stage's own, or its owner's (C3). */
  protected get sourceSignal(): AbortSignal | undefined {
    return this.signal ?? this.inheritedSignal;
  }

  /**
   * C3: a close signal for a source the stage holds outside its inputs (a stream reader).
   * It aborts when the stage stops for any reason: with the abort's exact reason on an
   * abort, otherwise with an `AbortError` naming the stage and the outcome. Inputs get
   * theirs from {@link handSignal}, one per source.
   * @internal
   */
  closeSignal(): AbortSignal {
    return this.handSignal().signal;
  }

  /**
   * C3/C7: a controller of its own for each source that takes a signal, aborted with the
   * others when the stage stops. Not one signal shared by every source: a source the safety
   * net holds between reads (C7) holds the signal it was handed, and through a shared one
   * it would reach a sibling's listener, that sibling's parked read and so the stage, which
   * would never be collected. Aborted and let go of when its source finishes, so a long
   * flatMap keeps only the open ones (and no listener a finished inner left on it).
   * @internal
   */
  handSignal(): AbortController {
    const controller = new AbortController();
    if (this.stopReasonHanded !== NO_ERROR) {
      controller.abort(this.stopReasonHanded);
      return controller;
    }
    // C7/C3: the safety net aborts it too, if the stage is collected unfinished.
    (this.handed ??= new Map()).set(controller, handedSignal(this.record, controller));
    return controller;
  }

  /**
   * The source of `controller` finished (done or failed), or the stage closed it and reads
   * on (`reason`): the stage is done with it, so its signal aborts now, as it would when the
   * stage stops, and the stage forgets it.
   * @internal
   */
  releaseSignal(controller: AbortController, reason?: unknown): void {
    const ref = this.handed?.get(controller);
    if (ref === undefined) return;
    this.handed?.delete(controller);
    this.record.signals?.delete(ref);
    controller.abort(reason ?? this.closeSignalReason(COMPLETED));
  }

  /** True while the stage is reading (pulled at least once, not stopping). */
  protected get isOpen(): boolean {
    return this.state === OPEN;
  }

  /** The stage finished on its own terms: close the source if asked, then answer done. */
  protected finish(closeSource: boolean): void {
    this.stop(COMPLETED, NO_ERROR, closeSource);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<T, undefined>> {
    return new Promise<IteratorResult<T, undefined>>((resolve, reject) => {
      this.read(resolve, reject);
    });
  }

  /**
   * A direct read by a stage that reads this one (input.ts): `next()` without the promise.
   * Exactly one of its callbacks is called, once, maybe before this returns.
   */
  [kRead](reader: DirectReader): void {
    this.read(reader, reader);
  }

  /** One reader: a `next()`'s promise callbacks, or a reading stage's (`kRead`). */
  private read(resolve: Answerer<T>, reject: Rejecter): void {
    const outlet = this.outlet;
    if (typeof resolve !== 'function' && outlet.waiting) {
      this.readBehind(resolve);
      return;
    }
    if (this.state >= CLOSING) {
      // C2: answered in order. While the stage stops on its own, the pending next() waits
      // for the close; a later one queues behind it instead of answering done first. C5:
      // with nobody waiting yet (a read ahead failed), this one becomes the head and
      // receives the outcome once the close has settled.
      if (outlet.awaitingClose) outlet.add(resolve, reject);
      else this.answerAfterEnd(resolve, reject);
      return;
    }
    if (this.state === IDLE) {
      const signal = this.signal;
      if (signal?.aborted === true) {
        // C3: an already-aborted signal rejects the first next() without opening the source.
        this[kAbort](signal.reason);
        this.answerAfterEnd(resolve, reject);
        return;
      }
      this.state = OPEN;
    }
    if (outlet.add(resolve, reject)) this.pull();
  }

  /**
   * C8: a stage reading this one directly while another reader is ahead of it is answered
   * through a promise, as its `next()` would be, so that its answer reaches it in its own
   * context: the answer to the reader ahead may be given inside another context (traced
   * reads an iterscope source directly inside the stream's context when only `next()`
   * calls wait), and what this stage does for the next reader follows from that answer.
   * Two readers at once is rare; the usual direct read, one reader at a time, is unchanged.
   */
  private readBehind(reader: DirectReader): void {
    this.next().then(
      (result) => {
        reader.resolve(result);
      },
      (error: unknown) => {
        reader.reject(error);
      },
    );
  }

  return(value?: unknown): Promise<IteratorResult<T, undefined>> {
    return this.closeFromOutside(CANCELLED, this.deadline()).then((error) => {
      if (error !== NO_ERROR) {
        // C5: `for await` discards this rejection when the loop body threw, and a stage
        // cannot tell whether it did, so the error is reported as well as thrown.
        report({ type: 'cleanup-error', stage: this.stageName, error });
        throw error;
      }
      return { done: true, value: value as undefined };
    });
  }

  throw(error?: unknown): Promise<IteratorResult<T, undefined>> {
    return this.closeFromOutside({ outcome: 'error', error }, this.deadline()).then((cleanupError) => {
      throw suppress(cleanupError, error);
    });
  }

  /** C6: `await using` closes the stream like `return()`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.return().then(() => undefined);
  }

  /** An owner stage closes this one with its own exit and deadline; never reports. */
  [kClose](exit: Exit, deadlineAt: number): Promise<unknown> {
    return this.closeFromOutside(exitForSource(exit), deadlineWithin(deadlineAt, this.closeTimeout));
  }

  /** C3: true when this stage ended by an abort whose reason is `error` (that object). */
  [kAbortedBy](error: unknown): boolean {
    return this.aborted && error === this.abortReason;
  }

  /** C3 rule 1: the nearest signal that aborts this stage or one below it (see `stop()`). */
  [kSignalBelow](): AbortSignal | undefined {
    return this.signal ?? signalBelow(this.single?.iterator);
  }

  /** Another stage now reads this one: it is not a leak of its own (C7), and it hears of
   * the owner's signal so that sources that take a signal get it (C3). */
  [kAdopt](signal: AbortSignal | undefined, ownerListens = false): void {
    this.record.owned = true;
    if (ownerListens && signal !== undefined && signal === this.signal && this.removeAbortListener !== undefined) {
      // C3: the owner listens to the same signal and closes this stage with outcome
      // `aborted` when it fires; one listener per chain is enough (Node warns when more
      // than ten listen to one signal).
      this.removeAbortListener();
      this.removeAbortListener = undefined;
    }
    if (signal !== undefined && this.signal === undefined && this.inheritedSignal === undefined) {
      this.inheritedSignal = signal;
      this.passSignalDown(signal);
    }
  }

  /**
   * C3: hand an inherited signal on to the iterscope stages this stage already reads
   * (sources opened later get it when they open). Stages with inputs of their own pass it
   * to each of them.
   */
  protected passSignalDown(signal: AbortSignal): void {
    this.single?.inherit(signal);
  }

  // ---------------------------------------------------------------- reading

  /**
   * Read one item for the pending next(). The default runs the read loop over the single
   * source (read-loop.ts), which passes each item through `step()` and answers through
   * `emit()`; stages with several sources (merge, zip) override it and answer through
   * `emit()`, `sourceFailed()`, `callbackFailed()` and `finish()`.
   */
  protected pull(): void {
    this.loop?.pull();
  }

  /** Answer the oldest pending next() with an item, then start on the next one. */
  protected emit(value: T): void {
    if (this.below !== undefined) {
      const below = this.signalBelowThis();
      if (below?.aborted === true) {
        // C3 rule 1 up a chain: the item was decided below before the abort, but this
        // answer was not given yet: the abort wins and the item is superseded.
        this.abortWith(below.reason, true);
        return;
      }
    }
    // Another next() waiting: read on for it. A reading stage answered directly may have
    // closed this one meanwhile (its callback failed): then there is nothing to read for.
    if (this.outlet.give(value) && this.state === OPEN) this.pull();
  }

  // ---------------------------------------------------------------- stopping

  /**
   * A source's next() rejected: the source is finished, not closed again (C1). `from` is
   * the source that failed (a multi-source stage names the child).
   */
  protected sourceFailed(error: unknown, from: unknown = this.single?.iterator): void {
    this.single?.markFinished();
    if (this.endedByAbort(error, from)) {
      // C3: an abort below is an abort here too, with the same reason, however many
      // stages it travels through; the consumer still receives that rejection. C4: the
      // close still waits for the stage below, which may be closing in the background.
      this.abortWith(error, true);
      return;
    }
    this.stop({ outcome: 'error', error }, error, false);
  }

  /**
   * C3: a source ended by abort, not by error, when it rejects with an `AbortError`, with
   * the reason of an aborted signal this stage handed it, or, for an iterscope stage, with
   * the reason of the abort that ended it.
   */
  protected endedByAbort(error: unknown, from: unknown): boolean {
    if (isAbortError(error) || this.handedReason(error)) return true;
    return isStage(from) && from[kAbortedBy](error);
  }

  /** C1: an error thrown by the stage's own callback closes the source. */
  protected callbackFailed(error: unknown): void {
    this.stop({ outcome: 'error', error }, error, true);
  }

  /**
   * A fused step failed: to this stage (its cleanup, its span) that is what a failing
   * stage downstream is, a stop from the consumer's side; the error still reaches the
   * consumer (C5), and the source is closed (C1).
   */
  protected tailFailed(error: unknown): void {
    this.stop(CANCELLED, error, true);
  }

  /**
   * A fused step finished the stream (takeWhile's STOP, take's last item): to this stage,
   * as when a stage downstream stops reading it, a stop from the consumer's side; the
   * consumer gets done and the source is closed (C1).
   */
  protected tailStopped(): void {
    this.stop(CANCELLED, NO_ERROR, true);
  }

  /**
   * Take the fused steps `pipe` places after this stage (made here, so that each can end
   * the stream after an item). Only a stage nobody has read yet and that reads one source
   * through the default `pull()` can: its items all pass through the single source's sink,
   * where the steps run. The first `own` steps are the stage's own operator's (`fuse`).
   */
  [kAbsorb](makers: readonly StepMaker[], names: readonly string[], own = 0): boolean {
    const loop = this.loop;
    if (loop === undefined || this.state !== IDLE || this.pull !== StageBase.prototype.pull) return false;
    loop.absorb(makers, own);
    // Reports name the operators the stage now runs: `take+map+filter`.
    this.record.stage = [this.record.stage, ...names].join('+');
    return true;
  }

  /**
   * Stop for a reason of the stage's own (source finished or failed, callback failed,
   * take reached its count); the pending next() receives the outcome after the close.
   */
  private stop(exit: Exit, primary: unknown, closeSource: boolean): void {
    this.state = CLOSING;
    const outlet = this.outlet;
    outlet.awaitClose(primary);
    const closing = this.shutdown(exit, closeSource, this.deadline());
    this.closing = closing;
    this.listenBelow();
    void closing.then((cleanupError) => {
      if (!outlet.awaitingClose) {
        this.stopListening();
        return; // a return() or an abort took over: see there
      }
      const error = suppress(cleanupError, primary);
      if (error !== NO_ERROR && !outlet.waiting) {
        // C5: nobody is waiting yet (a read ahead failed): the next next() receives the
        // error. C3 rule 1: until then an abort still comes first, so the stage listens on.
        outlet.keepError(error);
        return;
      }
      this.stopListening();
      outlet.settle(error);
    });
  }

  /** return(), throw() or an owner's close: C2, settle every pending next() at once. */
  private closeFromOutside(exit: Exit, deadlineAt: number): Promise<unknown> {
    const state = this.state;
    const outlet = this.outlet;
    const kept = outlet.keptError;
    if (kept !== NO_ERROR) {
      // C5: the stage had stopped with an error nobody asked for; closing discards it.
      outlet.drop();
      report({ type: 'late-error', stage: this.stageName, error: kept });
      this.stopListening();
    }
    // DONE with its answer still on the way is a stop in progress: a stop with nothing to
    // close finishes at once, and its outcome is handed over a microtask later (C5).
    if (state === DONE && !outlet.awaitingClose) return Promise.resolve(NO_ERROR);
    if (state === CLOSING || state === DONE) {
      const closing = this.closing ?? Promise.resolve(NO_ERROR);
      if (!outlet.awaitingClose) return closing.then(() => NO_ERROR); // its error went elsewhere
      // The stage was stopping on its own and the pending next() waited for its cleanup:
      // answer it now with what it would have seen without cleanup; the cleanup's error
      // goes to this caller instead.
      const primary = outlet.primary;
      this.stopListening();
      if (!outlet.waiting && primary !== NO_ERROR) {
        report({ type: 'late-error', stage: this.stageName, error: primary }); // C5: nobody was waiting
      }
      outlet.settle(primary);
      return closing;
    }
    const below = this.signalBelowThis();
    if (below?.aborted === true && outlet.waiting) {
      // C3 rule 1: a signal below fired before this close and its rejection is still on
      // its way up: the abort came first, so the pending next() gets its reason, not done.
      this.abortWith(below.reason, true);
      return (this.closing ?? Promise.resolve(NO_ERROR)).then(() => NO_ERROR); // errors reported there
    }
    this.state = CLOSING;
    outlet.settle(NO_ERROR);
    const closing = this.shutdown(exit, true, deadlineAt);
    this.closing = closing;
    return closing;
  }

  /** C3: the stage's signal fired. */
  [kAbort](reason: unknown): void {
    this.abortWith(reason, true);
  }

  /** C3: abort the stage with `reason`, as its signal would (timeout's timer). */
  protected abortNow(reason: unknown): void {
    this.abortWith(reason, true);
  }

  /** C3: reject every pending next() with the reason, that exact object, then close. */
  private abortWith(reason: unknown, closeSource: boolean): void {
    if (this.state === CLOSING || this.state === DONE) {
      // DONE too: a stop with nothing to close finishes at once, but its pending next() is
      // answered a microtask later, and until then the abort can still win (rule 1).
      if (this.outlet.waiting) this.abortWhileStopping(reason);
      else this.abortKept(reason);
      return;
    }
    this.state = CLOSING;
    this.aborted = true;
    this.abortReason = reason;
    if (this.outlet.waiting) this.outlet.rejectAll(reason);
    else this.outlet.keepAbort(reason);
    const closing = this.shutdown({ outcome: 'aborted', reason }, closeSource, this.deadline());
    this.closing = closing;
    void closing.then(reportCloseError(this.stageName));
  }

  /**
   * C3, abort versus end: a next() already answered keeps its answer; one still waiting
   * while the stage stops on its own (source done or failed, count reached, callback
   * failed, cleanup running) is answered by the abort, at once, with its reason. The
   * stage's own exit stays what it was (its cleanup and span already have it). An error
   * that loses this race is reported, never dropped (C5); a done that loses is superseded.
   */
  private abortWhileStopping(reason: unknown): void {
    const outlet = this.outlet;
    if (!outlet.awaitingClose || !outlet.waiting) return; // nothing unanswered
    this.aborted = true;
    this.abortReason = reason;
    const lost = outlet.primary;
    if (lost !== NO_ERROR && lost !== reason) report({ type: 'late-error', stage: this.stageName, error: lost });
    outlet.rejectAll(reason);
    // Nobody waits for this close any more: its errors can only be reported.
    void (this.closing ?? Promise.resolve(NO_ERROR)).then(reportCloseError(this.stageName));
  }

  /**
   * C3 rule 1 for a stage whose owner listened to the signal for it (a share consumer: the
   * sharing listens once for all its consumers, and stops listening for one as it leaves).
   * A consumer stopping on its own leaves before its pending next() is answered; from
   * then on it listens itself, until the answer is handed over (stop() removes it then).
   */
  protected listenUntilAnswered(signal: AbortSignal): void {
    if (!this.outlet.awaitingClose || this.removeAbortListener !== undefined) return;
    if (signal.aborted) this.abortWhileStopping(signal.reason);
    else this.removeAbortListener = listenForAbort(signal, this, abortStage);
  }

  /**
   * C3 rule 1 with nobody waiting: the stage stopped on its own (a read ahead failed or
   * ended) and keeps the outcome for the next next(). Nobody has received it yet, so the
   * abort comes first: the next next() rejects with the reason, and an error that loses is
   * reported (C5), never dropped.
   */
  private abortKept(reason: unknown): void {
    const outlet = this.outlet;
    const kept = outlet.keptError;
    const stopping = outlet.awaitingClose;
    if (kept === NO_ERROR && !stopping) return; // every outcome was handed over: nothing changes
    const lost = outlet.primary;
    this.stopListening();
    this.aborted = true;
    this.abortReason = reason;
    outlet.keepAbort(reason);
    if (kept !== NO_ERROR) {
      report({ type: 'late-error', stage: this.stageName, error: kept });
      return;
    }
    // Still stopping: the stop's own error and its close's go to onReport.
    if (lost !== NO_ERROR && lost !== reason) report({ type: 'late-error', stage: this.stageName, error: lost });
    void (this.closing ?? Promise.resolve(NO_ERROR)).then(reportCloseError(this.stageName));
  }

  private stopListening(): void {
    this.removeAbortListener?.();
    this.removeAbortListener = undefined;
    this.removeBelowListener?.();
    this.removeBelowListener = undefined;
  }

  /**
   * C3 rule 1: the nearest signal that aborts a stage below this one (none when it is this
   * stage's own: its listener answers that). Looked up once the source is open; the
   * chain below does not change after that.
   */
  private signalBelowThis(): AbortSignal | undefined {
    let below = this.below;
    if (below === null) {
      const single = this.single;
      if (single === undefined) {
        // Several sources (merge, zip, ...): nothing to look up, now or per item.
        this.below = undefined;
        return undefined;
      }
      const source = single.iterator;
      if (source === undefined) return undefined; // not open yet: looked up again later
      below = signalBelow(source);
      if (below === this.signal) below = undefined;
      this.below = below;
    }
    return below;
  }

  /**
   * C3 rule 1 up a chain: the signal may belong to a stage below this one (`take(n, {
   * signal })` under `map`). That stage answered its end before the abort and stopped
   * listening; this one has not answered yet, so the abort must still reach it. It listens
   * to the nearest signal below until its pending next() is answered; one that fired since
   * the source answered wins at once.
   */
  private listenBelow(): void {
    const below = this.signalBelowThis();
    if (below === undefined) return;
    if (below.aborted) {
      this.abortWhileStopping(below.reason);
      return;
    }
    this.removeBelowListener = listenForAbort(below, this, abortStage);
  }

  /**
   * C4: what a stage closes, in order: children (nested or sibling iterators), then its
   * source, then its own cleanup, each after the one before has settled or its deadline
   * passed (close-order.ts runs the list); last, the stage is DONE.
   */
  private static readonly closeOrder: readonly ClosePhase<StageBase<unknown>>[] = [
    {
      name: 'children',
      run: (stage, { exit, deadlineAt }) => {
        const children = stage.closeChildren(exit, deadlineAt);
        return children === NO_ERROR ? SKIPPED_PHASE : children;
      },
    },
    {
      name: 'source',
      run: (stage, { exit, deadlineAt, closeSource }) => (closeSource ? stage.closeSource(exit, deadlineAt) : SKIPPED_PHASE),
    },
    {
      name: 'cleanup',
      run: (stage, { exit, deadlineAt }) =>
        stage.hasCleanup ? settleByDeadline(capture(() => stage.cleanup(exit)), deadlineAt, stage.stageName) : SKIPPED_PHASE,
    },
    {
      name: 'closed',
      run: (stage) => {
        stage.state = DONE;
        return SKIPPED_PHASE;
      },
    },
  ];

  /**
   * Start closing: the stage leaves the safety net, the signals it handed out abort, then
   * the close order runs. Resolves to the combined error (C5); the state advances to DONE
   * when the last phase has settled.
   */
  private shutdown(exit: Exit, closeSource: boolean, deadlineAt: number): Promise<unknown> {
    untrack(this.record); // C7: the stage is being closed, the safety net has nothing to do
    // C3: closing cancels in-flight I/O: every source that took the close signal hears of
    // the stop now, before it is asked to close, so a stalled one can settle at once.
    const handed = this.handed;
    if (handed !== undefined) {
      const reason = this.closeSignalReason(exit);
      this.stopReasonHanded = reason;
      this.handed = undefined;
      for (const controller of handed.keys()) controller.abort(reason);
    }
    // C3: a stage stopping on its own keeps listening until its pending next() is answered
    // (abort versus end); stop() removes the listener then.
    if (!this.outlet.awaitingClose) this.stopListening();
    return closeInOrder(this as StageBase<unknown>, StageBase.closeOrder, { exit, deadlineAt, closeSource });
  }

  /** C1: close the source exactly once, unless it finished or is borrowed (input.ts). */
  private closeSource(exit: Exit, deadlineAt: number): Promise<unknown> | typeof NO_ERROR {
    return this.single === undefined ? NO_ERROR : this.single.close(exit, deadlineAt);
  }

  /** A reader after the stage stopped: the kept abort or error, once, else done. */
  private answerAfterEnd(resolve: Answerer<T>, reject: Rejecter): void {
    const answer = this.outlet.takeAfterEnd();
    if (answer.kind === 'abort') {
      rejectWith(reject, answer.value);
    } else if (answer.kind === 'error') {
      this.stopListening(); // handed over: an abort from now on changes nothing
      rejectWith(reject, answer.value);
    } else {
      answerDone(resolve);
    }
  }

  /**
   * The source produced an error after the stage stopped reading from it. C5: an error
   * that is the stop arriving (the abort's reason, the reason of the signal the source
   * was handed, an `AbortError`) is expected on a clean abort or close and never reported;
   * anything else is reported, never lost.
   */
  protected lateError(error: unknown): void {
    if (this.isStopReason(error)) return;
    report({ type: 'late-error', stage: this.stageName, error });
  }

  /** True when `error` is what a source rejects with because it was told to stop. */
  protected isStopReason(error: unknown): boolean {
    if (isAbortError(error)) return true;
    if (this.abortReason !== undefined && error === this.abortReason) return true;
    return this.handedReason(error);
  }

  /**
   * C3: the reason the close signal aborts with. A stage that stops on its own (its source
   * ended) after its owner's signal fired, before that abort reached it, is part of an
   * abort all the same: its sources see the abort's reason, not an `AbortError`.
   */
  private closeSignalReason(exit: Exit): unknown {
    const signal = this.sourceSignal;
    if (exit.outcome !== 'aborted' && signal?.aborted === true) return signal.reason;
    return closeReason(this.stageName, exit);
  }

  /** True when `error` is the reason of an aborted signal this stage handed its sources. */
  private handedReason(error: unknown): boolean {
    const signal = this.sourceSignal;
    if (signal?.aborted === true && error === signal.reason) return true;
    return this.stopReasonHanded !== NO_ERROR && error === this.stopReasonHanded;
  }

  /** The absolute close deadline for a close starting now (`performance.now()` time). */
  protected deadline(): number {
    return now() + this.closeTimeout;
  }
}

// C11: this copy's stages keep the close protocol (protocol.ts, closeIterator).
Object.defineProperty(StageBase.prototype, kThisCopy, { value: true });

/**
 * A stage that passes its source's items on unchanged and adds only the contract (closing,
 * abort, deadline, close signal, safety net): what `aclosing`, `defer`, the terminals'
 * reader and the stream adapters are.
 * @internal
 */
export class PassStage<T> extends StageBase<T, T> {}

/** Module-level, so the callback holds the name and never the stage (C7). */
function reportCloseError(stage: string): (error: unknown) => void {
  return (error) => {
    if (error !== NO_ERROR) report({ type: 'cleanup-error', stage, error });
  };
}

/** An error named `AbortError` (a `DOMException` from `fetch`, an SDK's own class). */
export function isAbortError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'AbortError';
}

/** C3: a stage's own signal fired (module-level: the listener holds the stage weakly, C7). */
function abortStage(stage: { [kAbort](reason: unknown): void }, reason: unknown): void {
  stage[kAbort](reason);
}
