/**
 * C1/C7: one source a stage reads. Every stage reads through inputs: a single-source stage
 * has one, merge, zip, race, concat, buffered and flatMap several. The input owns what
 * "a source this stage owns" means, in one place:
 *
 * - opening: an iterable opens on the first read, with the stage's signal (C3); an
 *   iterator handed in is open and owned from the start (C1);
 * - adopting: an iterscope source is told it has an owner (it keeps its own safety net);
 *   a foreign one is registered with the stage's abandonment record (C7);
 * - closing exactly once, never after the source reported done or rejected (C1);
 * - the check that `next()` resolved to an iterator result;
 * - the weak hold: while a read is in flight, the source's pending promise holds the
 *   stage, so the record must hold a foreign source only weakly then, or a source parked
 *   on a dead upstream would keep the stage alive forever and it would never be reported;
 * - direct reads: an iterscope source (this copy or another on the same protocol, C11) is
 *   read with callbacks (`DirectReader`) instead of a `next()` promise, so a chain of stages
 *   pays no promise per hop. C7: the source holds the callbacks while the read is in
 *   flight, as it would hold the promise's reactions: what the safety net sees is the same.
 */
import type { AbandonRecord, SourceHold } from './abandonment.js';
import { NO_ERROR } from './errors.js';
import { CANCELLED, exitForSource, type Exit } from './exit.js';
import { adoptIterator, closeIterator, isStage, READ_DIRECTLY, readsDirectly, type DirectReader } from './protocol.js';
import type { Classified } from './source.js';
import { describe } from './validate.js';

/** Where an input's results go. The input passes itself along. @internal */
export interface InputSink<T> {
  inputResult(input: Input<T>, result: IteratorResult<T>): void;
  inputError(input: Input<T>, error: unknown): void;
  /** An item from a direct read, without its iterator result; `inputResult` if absent. */
  inputItem?(input: Input<T>, value: T): void;
}

/** What an input needs from its stage (the stage itself; its C8 hooks run every call). @internal */
export interface InputHost {
  readonly stageName: string;
  readonly record: AbandonRecord;
  /**
   * One read of `source`: its `next()` promise, or READ_DIRECTLY when `reader` was given
   * and the answer will come through it (C8: a host that runs reads in a context of its
   * own reads through `next()`).
   */
  readSource(source: AsyncIterator<unknown>, reader?: DirectReader): unknown;
  /** Call `fn(arg)` where the source's steps run (C8); an argument, not a closure: it runs per close. */
  inSourceContext<A, R>(fn: (arg: A) => R, arg: A): R;
  /** C3: a stop signal for one source, aborted when the stage stops. */
  handSignal(): AbortController;
  /** Its source finished: the stage forgets the controller (aborted with `reason`, if given). */
  releaseSignal(controller: AbortController, reason?: unknown): void;
}

type Opener = (signal: AbortSignal | undefined) => AsyncIterator<unknown>;

/** How an input is owned and named. @internal */
export interface InputOptions {
  /** False for `borrow`: the source is read, never closed (C1). Default true. */
  readonly owns?: boolean | undefined;
  /** C3: the signal for an iterscope stage handed in open. */
  readonly signal?: AbortSignal | undefined;
  /** The owner listens to `signal` already: one listener per chain. */
  readonly ownerListens?: boolean | undefined;
  /** How messages name the source: `the source` (default) or `a source`. */
  readonly what?: string | undefined;
}

/** @internal */
export class Input<T> implements DirectReader {
  /** The open iterator, once opened (or given open). */
  iterator: AsyncIterator<T> | undefined;
  private opener: Opener | undefined;
  private takesSignal = false;
  /** C3: the stop signal this source was handed, while it is open. */
  private handed: AbortController | undefined;
  /** C1: reported done or rejected, or closed: never closed (again). */
  finished = false;
  /** Its last read rejected: an iterscope source may still be closing in the background. */
  private failed = false;
  /** Reads in flight. */
  private inFlight = 0;
  /** The input's position among its siblings (zip's slot, error order). */
  readonly index: number;
  private readonly host: InputHost;
  private readonly sink: InputSink<T> | undefined;
  /** False for `borrow`: the source is read, never closed (C1). */
  private readonly owns: boolean;
  /** C7: the record's hold on a foreign source. */
  private hold: SourceHold | undefined;
  /** The source is an iterscope stage: read it directly, this input being the reader. */
  private direct = false;
  /** True while `read()` calls into the source: an answer given at once waits a microtask. */
  private calling = false;

  private readonly what: string;
  /** The exit and deadline of the close under way (set by close(), read by closeNow()). */
  private closeExit: Exit = CANCELLED;
  private closeDeadline = 0;

  constructor(host: InputHost, classified: Classified, index: number, sink: InputSink<T> | undefined, options: InputOptions = {}) {
    this.host = host;
    this.index = index;
    this.sink = sink;
    this.owns = options.owns ?? true;
    this.what = options.what ?? 'the source';
    if (classified.open) {
      this.iterator = classified.iterator as AsyncIterator<T>;
      this.adopt(this.iterator, options.signal, options.ownerListens ?? false);
      this.direct = readsDirectly(this.iterator);
    } else {
      this.opener = classified.opener;
      this.takesSignal = classified.takesSignal;
    }
  }

  /** True while a read is in flight. */
  get reading(): boolean {
    return this.inFlight > 0;
  }

  /**
   * Open the input (an iterable opens here) and return its iterator. C3: an opener that
   * takes a signal gets the stage's close signal, which aborts when the stage stops for any
   * reason; `signal` (the stage's own or its owner's) goes to an iterscope source through
   * adoption. May throw: the caller treats that as the source failing.
   */
  open(signal: AbortSignal | undefined, ownerListens = false): AsyncIterator<T> {
    let iterator = this.iterator;
    if (iterator === undefined) {
      const opener = this.opener;
      this.opener = undefined;
      if (opener === undefined) throw new TypeError(`${this.host.stageName}: the source was already closed.`);
      let handed: AbortSignal | undefined;
      if (this.takesSignal) {
        this.handed = this.host.handSignal();
        handed = this.handed.signal;
      }
      iterator = this.host.inSourceContext(opener, handed) as AsyncIterator<T>;
      this.iterator = iterator;
      this.adopt(iterator, signal, ownerListens);
      this.direct = readsDirectly(iterator);
    }
    return iterator;
  }

  /** C3/C7: an iterscope source hears of its owner; a foreign one is held by the record. */
  adopt(iterator: AsyncIterator<T>, signal: AbortSignal | undefined, ownerListens: boolean): void {
    if (!this.owns) return;
    const record = this.host.record;
    record.holdsOpen = true;
    if (adoptIterator(iterator as AsyncIterator<unknown>, signal, ownerListens)) return;
    const hold: SourceHold = { strong: iterator as AsyncIterator<unknown>, weak: new WeakRef(iterator as AsyncIterator<unknown>) };
    this.hold = hold;
    (record.sources ??= new Set()).add(hold);
  }

  /**
   * C3: the stage inherited its owner's signal after this input was made: an iterscope
   * source already open hears of it too (one not open yet gets it when it opens).
   */
  inherit(signal: AbortSignal): void {
    // A borrowed stage hears of it too: the signal is the pipeline's, whoever closes it.
    const iterator = this.iterator;
    if (iterator !== undefined) adoptIterator(iterator as AsyncIterator<unknown>, signal);
  }

  /** Ask for one item; the answer goes to the sink. Opens the input first if needed. */
  read(signal: AbortSignal | undefined, ownerListens = false): void {
    let pending: unknown;
    this.calling = true;
    try {
      pending = this.request(signal, ownerListens, true);
    } catch (error) {
      this.calling = false;
      this.rejected();
      this.sink?.inputError(this, error);
      return;
    }
    this.calling = false;
    // The answer comes through `direct`. (Compared only when a symbol: see runTail.)
    if (typeof pending === 'symbol' && pending === READ_DIRECTLY) return;
    if (!(pending instanceof Promise) || pending.constructor !== Promise) {
      Promise.resolve(pending).then(this.onResult, this.onError);
      return;
    }
    // A promise of this realm, which `Promise.resolve` would hand back as it is: its `then`
    // is called directly. The builtin's call was about 2.5% of a fused pipeline's profile
    // per item, and is gone from it. Something that only looks like a promise
    // (`Object.create(Promise.prototype)`) throws here: the read failed.
    try {
      pending.then(this.onResult, this.onError);
    } catch (error) {
      this.onError(error);
    }
  }

  /**
   * Start one read and return what the source's `next()` returned. The caller passes what
   * it settles to through {@link resolved} / {@link rejected}; buffered, which keeps several
   * reads in flight, uses this directly. May throw (then call `rejected()`).
   */
  request(signal: AbortSignal | undefined, ownerListens = false, directly = false): unknown {
    const iterator = this.open(signal, ownerListens);
    this.inFlight++;
    // C7: the pending read holds the stage; the record must not hold the source strongly.
    if (this.hold !== undefined) this.hold.strong = undefined;
    return this.host.readSource(iterator as AsyncIterator<unknown>, directly && this.direct ? this : undefined);
  }

  /**
   * A read resolved with `result`: the iterator result, or undefined when it is not one
   * (the source is then finished; {@link notAResult} is the error to report).
   */
  resolved(result: unknown): IteratorResult<T> | undefined {
    this.settled();
    if (typeof result !== 'object' || result === null) {
      this.markFinished();
      return undefined;
    }
    // C1: a done answer finishes the source even when it arrives after the stage stopped
    // reading: a close still to come must not reach it.
    if ((result as IteratorResult<T>).done === true) this.markFinished();
    return result as IteratorResult<T>;
  }

  /** A read rejected: C1, the source is finished. */
  rejected(): void {
    this.settled();
    this.failed = true;
    this.markFinished();
  }

  /** The error for a `next()` that resolved to something other than an iterator result. */
  notAResult(result: unknown): TypeError {
    return new TypeError(`${this.host.stageName}: ${this.what}'s next() resolved to ${describe(result)}, not an iterator result.`);
  }

  private settled(): void {
    if (this.inFlight > 0) this.inFlight--; // zero when opening failed
    if (this.inFlight === 0 && this.hold !== undefined && !this.finished) this.hold.strong = this.iterator as AsyncIterator<unknown>;
  }

  // Bound once per input, not per item.
  private readonly onResult = (result: unknown): void => {
    const checked = this.resolved(result);
    if (checked === undefined) this.sink?.inputError(this, this.notAResult(result));
    else this.sink?.inputResult(this, checked);
  };
  private readonly onError = (error: unknown): void => {
    this.rejected();
    this.sink?.inputError(this, error);
  };

  private onItem(value: T): void {
    this.settled();
    const sink = this.sink;
    if (sink?.inputItem !== undefined) sink.inputItem(this, value);
    else sink?.inputResult(this, { done: false, value });
  }

  // DirectReader: how a source stage answers a direct read. The input is its own reader:
  // methods on the prototype, not closures per input, so the call from the source stage
  // always reaches one function (and no closure is made). An answer is taken at once (that
  // is the promise per hop saved), except in two cases where it waits a microtask, as a
  // promise's answer would:
  // - given while `read()` is still calling in (an item the source held, its kept end): it
  //   must not recurse into the reading stage, or a filter skipping many held items would
  //   grow the stack by a few frames per item;
  // - a failure: the source stage rejects its readers in the middle of its own stop, before
  //   its close has started; the reading stage, reacting at once, would close it in turn and
  //   find no close to wait for (C4: its cleanup would run before the source's close).

  /** @internal An item of a direct read. */
  item(value: unknown): void {
    if (this.calling) this.later({ done: false, value: value as T });
    else this.onItem(value as T);
  }

  /** @internal The end of a direct read (done). */
  resolve(result: IteratorResult<unknown>): void {
    if (this.calling) this.later(result);
    else this.onResult(result);
  }

  /**
   * An answer given while `read()` still calls in, a microtask later. A method of its own:
   * the closure it makes would otherwise have `item()` allocate its variables' context on
   * every call, the usual one too (V8 allocates it when a function is entered).
   */
  private later(result: IteratorResult<unknown>): void {
    queueMicrotask(() => {
      this.onResult(result);
    });
  }

  /** @internal A direct read failed. */
  reject(error: unknown): void {
    queueMicrotask(() => {
      this.onError(error);
    });
  }

  /**
   * C1: the source is finished (reported done, rejected, or closed): never closed again,
   * by the stage or by the safety net (C7). C3: its close signal aborts now, with `reason`
   * when the stage closes it while reading on (switchMap's previous inner).
   */
  markFinished(reason?: unknown): void {
    this.finished = true;
    this.opener = undefined;
    if (this.handed !== undefined) {
      this.host.releaseSignal(this.handed, reason);
      this.handed = undefined;
    }
    const hold = this.hold;
    if (hold !== undefined) {
      this.hold = undefined;
      this.host.record.sources?.delete(hold);
    }
  }

  /**
   * C1: close the input exactly once, unless it finished, was never opened, or is borrowed.
   * The source did nothing wrong: it is closed `cancelled`, or `aborted` when the stage was.
   * `signalReason`: what its close signal aborts with when the stage goes on without it.
   */
  close(exit: Exit, deadlineAt: number, signalReason?: unknown): Promise<unknown> | typeof NO_ERROR {
    const iterator = this.iterator;
    const finished = this.finished;
    this.markFinished(signalReason);
    if (iterator === undefined || !this.owns) return NO_ERROR;
    // C4: an iterscope stage rejects a pending read at once on an abort and closes in the
    // background; what closes after it waits for that close (a stage closed again only
    // waits, it closes nothing twice: C1). Anything else that finished is left alone.
    if (finished && (!this.failed || !isStage(iterator))) return NO_ERROR;
    this.closeExit = exitForSource(exit);
    this.closeDeadline = deadlineAt;
    return this.host.inSourceContext(Input.closeNow, this);
  }

  /** The close itself, run in the source's context (one function for every input: no closure per close). */
  private static readonly closeNow = (input: Input<unknown>): Promise<unknown> | typeof NO_ERROR => {
    const exit = input.closeExit;
    input.closeExit = CANCELLED; // the input outlives the close: it keeps no abort reason
    const iterator = input.iterator;
    return iterator === undefined ? NO_ERROR : closeIterator(iterator, exit, input.closeDeadline, input.host.stageName);
  };
}
