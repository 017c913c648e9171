/**
 * One source read by several consumers (`share`, `tee`): the source is read once, through
 * one stage of its own (so opening, the close signal, abort, the close deadline and the
 * safety net are the stage mechanism's, C1–C7), and each item goes to every consumer.
 * Each consumer is a stage too; it has a seat here with the items it has not read yet.
 */
import { listenForAbort } from '../abort-listener.js';
import { NO_ERROR } from '../errors.js';
import type { Exit } from '../exit.js';
import { kClose, kSignalBelow } from '../protocol.js';
import { report } from '../report.js';
import { isAbortError, PassStage, StageBase, type StageOptions } from '../stage.js';

/** How the source ended: `NO_ERROR` for done, otherwise its error. */
interface End {
  readonly error: unknown;
}

/** A consumer's place: what it has not read yet, and whether it waits for an item. */
interface Seat<T> {
  readonly items: T[];
  waiting: boolean;
  /** C7: weak, so a consumer dropped unfinished can be collected while the others read on. */
  stage: WeakRef<ShareConsumer<T>> | undefined;
}

/** @internal */
export class SharedSource<T> {
  /** The one stage that reads the source. */
  private readonly upstream: SharedUpstream<T>;
  private readonly seats = new Set<Seat<T>>();
  private reading = false;
  private distributing = false;
  private end: End | undefined;
  /** Every consumer left (or `close()`): the source is closed and nobody joins any more. */
  private closed = false;
  /** C5: a consumer received the source's error (or it is still to be delivered). */
  private errorDelivered = false;
  private readonly consumerOptions: StageOptions;
  /** C3: the consumers' common signal when the last of them left (see commonSignal). */
  private signalAtClose: AbortSignal | undefined;
  /** The sharing's own signal (options.signal), if any. */
  readonly signal: AbortSignal | undefined;
  private removeListener: (() => void) | undefined;

  constructor(
    private readonly name: string,
    source: unknown,
    private readonly bufferSize: number,
    options: StageOptions | undefined,
  ) {
    this.upstream = new SharedUpstream<T>(name, source, options, this);
    this.signal = options?.signal;
    this.consumerOptions = { closeTimeout: options?.closeTimeout };
    // C3: an abort settles every consumer's pending next() at once, even while the source
    // is not being read (another consumer's buffer is full). One listener for them all
    // (not one per consumer: Node warns past ten on one signal), holding the hub weakly.
    if (this.signal !== undefined) this.removeListener = listenForAbort(this.signal, this, abortAll);
  }

  /** C3: the signal fired: every consumer aborts with its reason (the source's stage hears it itself). */
  abortAll(reason: unknown): void {
    for (const seat of this.seats) seat.stage?.deref()?.abortFromShare(reason);
  }

  /** A new consumer: it receives every item read from now on. */
  consumer(): ShareConsumer<T> {
    const seat: Seat<T> = { items: [], waiting: false, stage: undefined };
    const stage = new ShareConsumer<T>(this.name, this, seat, this.consumerOptions);
    if (this.closed || this.end !== undefined) return stage; // nothing left to share: it ends at once
    seat.stage = new WeakRef(stage);
    this.seats.add(seat);
    return stage;
  }

  /** A consumer wants an item and has none buffered: how the source ended, or undefined (it waits). */
  want(seat: Seat<T>): End | undefined {
    const end = this.end;
    if (end !== undefined) {
      if (end.error !== NO_ERROR) this.errorDelivered = true;
      return end;
    }
    if (seat.stage === undefined || this.closed) return ENDED;
    seat.waiting = true;
    this.read();
    return undefined;
  }

  /**
   * Read the source when a consumer waits and every consumer has room: the slowest one
   * holds the source back, so no buffer grows past `bufferSize`.
   */
  read(): void {
    if (this.reading || this.distributing || this.end !== undefined || this.closed) return;
    let wanted = false;
    for (const seat of this.seats) {
      if (seat.stage?.deref() === undefined) {
        this.seats.delete(seat); // C7: collected; its finalizer closes the source if it was the last
        continue;
      }
      if (seat.items.length >= this.bufferSize) return;
      if (seat.waiting) wanted = true;
    }
    if (!wanted) return;
    this.reading = true;
    this.upstream.next().then(this.onResult, this.onError);
  }

  private readonly onResult = (result: IteratorResult<T, undefined>): void => {
    this.reading = false;
    if (this.closed) return;
    if (result.done === true) {
      this.endAll({ error: NO_ERROR });
      return;
    }
    const value = result.value;
    this.distributing = true;
    for (const seat of this.seats) {
      const stage = seat.stage?.deref();
      if (stage === undefined) {
        this.seats.delete(seat);
      } else if (seat.waiting) {
        seat.waiting = false;
        stage.receive(value);
      } else {
        seat.items.push(value);
      }
    }
    this.distributing = false;
    this.read();
  };

  private readonly onError = (error: unknown): void => {
    this.reading = false;
    if (!this.closed) {
      this.endAll({ error });
      return;
    }
    // C5: the source failed as the last consumer left (its read was answered by the close):
    // nobody will read it. The abort or the stop arriving is expected; anything else is reported.
    const signal = this.signal;
    if (isAbortError(error) || (signal?.aborted === true && error === signal.reason)) return;
    report({ type: 'late-error', stage: this.name, error });
  };

  /** C5: every consumer receives the end after its buffered items; a consumer not waiting keeps the error. */
  private endAll(end: End): void {
    this.end = end;
    for (const seat of this.seats) {
      const stage = seat.stage?.deref();
      if (stage === undefined) continue;
      if (seat.waiting) {
        seat.waiting = false;
        if (end.error !== NO_ERROR) this.errorDelivered = true;
        stage.ended(end);
      } else {
        stage.endLater(end);
      }
    }
  }

  /**
   * C3: the signal the consumers share, as the source's stage sees it: the sharing's own,
   * else the one every consumer still here inherited from its owner (a `tee` read by one
   * `zip`, say), else none. Asked when it matters (the source stopping, a rejection to
   * recognise), not fixed when the first consumer joins: consumers come and go, and an abort
   * speaks for the source only when it speaks for every consumer reading it.
   */
  commonSignal(): AbortSignal | undefined {
    if (this.signal !== undefined) return this.signal;
    if (this.closed) return this.signalAtClose;
    let common: AbortSignal | undefined;
    for (const seat of this.seats) {
      const signal = seat.stage?.deref()?.inherited;
      if (signal === undefined || (common !== undefined && signal !== common)) return undefined;
      common = signal;
    }
    return common;
  }

  /**
   * C3: a consumer heard of its owner's signal. When the consumers now share one, the
   * iterscope stages below the source's stage hear of it too, as they would below any
   * stage (their own sources' close signals then carry the abort's reason).
   */
  inheritedChanged(): void {
    if (this.signal !== undefined) return;
    const common = this.commonSignal();
    if (common !== undefined) this.upstream.passBelow(common);
  }

  /** The stage a consumer's source error came from (C3: an abort stays an abort). */
  get source(): PassStage<T> {
    return this.upstream;
  }

  /**
   * A consumer left (closed, finished or collected). C1/C4: when it was the last, the
   * source is closed, exactly once, and its close is what the consumer's close waits for.
   */
  leave(seat: Seat<T>, exit: Exit, deadlineAt: number): Promise<unknown> | typeof NO_ERROR {
    // C3: the consumers' common signal as it was with the last of them still here: the
    // source is closed for them, after they left.
    const signal = this.closed ? undefined : this.commonSignal();
    this.seats.delete(seat);
    seat.items.length = 0;
    seat.stage = undefined;
    if (this.closed || this.seats.size > 0) {
      this.read(); // its full buffer may have held the others back
      return NO_ERROR;
    }
    this.closed = true;
    this.signalAtClose = signal;
    this.removeListener?.();
    this.removeListener = undefined;
    const end = this.end;
    if (end !== undefined && end.error !== NO_ERROR && !this.errorDelivered) {
      // C5: the source failed and every consumer left before reading it: reported once.
      this.errorDelivered = true;
      report({ type: 'late-error', stage: this.name, error: end.error });
    }
    return this.upstream[kClose](exit, deadlineAt);
  }

  /** Close every consumer (each pending `next()` settles done) and the source. */
  async close(): Promise<void> {
    const stages: ShareConsumer<T>[] = [];
    for (const seat of this.seats) {
      const stage = seat.stage?.deref();
      if (stage !== undefined) stages.push(stage);
    }
    if (stages.length === 0) {
      // Nobody joined (or all were collected): close the source here.
      if (this.closed) return;
      this.closed = true;
      await this.upstream.return(); // rejects with the close error, if any
      return;
    }
    // The last consumer to leave closes the source; its return() rejects with the close error.
    const results = await Promise.allSettled(stages.map((stage) => stage.return()));
    for (const result of results) if (result.status === 'rejected') throw result.reason;
  }
}

const ENDED: End = Object.freeze({ error: NO_ERROR });

/** The stage that reads the shared source: its signal is the consumers' common one (C3). */
class SharedUpstream<T> extends PassStage<T> {
  constructor(
    name: string,
    source: unknown,
    options: StageOptions | undefined,
    private readonly hub: { commonSignal(): AbortSignal | undefined },
  ) {
    super(name, source, options);
  }

  protected override get sourceSignal(): AbortSignal | undefined {
    return this.hub.commonSignal();
  }

  /** C3: pass the consumers' common signal on to the stages below (see inheritedChanged). */
  passBelow(signal: AbortSignal): void {
    this.passSignalDown(signal);
  }
}

/** @internal */
export class ShareConsumer<T> extends StageBase<T, never> {
  /** C3: the signal this consumer's owner handed it, if any. */
  inherited: AbortSignal | undefined;

  constructor(
    name: string,
    private readonly hub: SharedSource<T>,
    private readonly seat: Seat<T>,
    options: StageOptions,
  ) {
    super(name, undefined, { ...options, ownInputs: true });
    // C7: a consumer holds a share of an open source: dropped unfinished, it is reported,
    // and leaving closes the source if it was the last. The finalizer holds the hub and the
    // seat, never the consumer.
    this.record.holdsOpen = true;
    this.record.finalizers = [leaveWhenCollected(hub, seat, name, this.deadline() - performance.now())];
  }

  // C3: the sharing asks for it when it matters (commonSignal), and passes a common one on
  // to the stages below the source's stage now.
  protected override passSignalDown(signal: AbortSignal): void {
    this.inherited = signal;
    this.hub.inheritedChanged();
  }

  protected override pull(): void {
    const seat = this.seat;
    if (seat.items.length > 0) {
      this.emit(seat.items.shift() as T);
      this.hub.read(); // its buffer has room again
      return;
    }
    const end = this.hub.want(seat);
    if (end !== undefined) this.ended(end);
  }

  /** C3: the sharing's signal fired. */
  abortFromShare(reason: unknown): void {
    this.abortNow(reason);
  }

  /** C3 rule 1: the signal that aborts this consumer is the sharing's. */
  override [kSignalBelow](): AbortSignal | undefined {
    return this.hub.signal;
  }

  /** The item this consumer waited for. */
  receive(value: T): void {
    this.emit(value);
  }

  /** How the source ended, for this consumer waiting now. */
  ended(end: End): void {
    if (end.error === NO_ERROR) this.finish(false);
    else this.sourceFailed(end.error, this.hub.source);
  }

  /**
   * The source ended while this consumer was not waiting: it receives the end after its
   * unread items (from the hub). C5: an error is kept, reported if it is dropped first.
   */
  endLater(end: End): void {
    this.record.holdsOpen = false;
    if (end.error !== NO_ERROR) this.keep(end.error);
  }

  // C4: leaving may close the source (the last consumer); this close waits for it.
  protected override closeChildren(exit: Exit, deadlineAt: number): Promise<unknown> | typeof NO_ERROR {
    // C3 rule 1: once it has left, the sharing's listener no longer reaches this consumer
    // (for the last one, it is removed), but a done or an error on its way to its pending
    // next() must still lose to an abort: it listens itself until that answer is handed.
    const signal = this.hub.signal;
    if (signal !== undefined) this.listenUntilAnswered(signal);
    return this.hub.leave(this.seat, exit, deadlineAt);
  }
}

/** C3: the sharing's signal fired (module-level: the listener holds the hub weakly, C7). */
function abortAll(hub: { abortAll(reason: unknown): void }, reason: unknown): void {
  hub.abortAll(reason);
}

/** Module-level, so the finalizer holds the hub and the seat, never the consumer (C7). */
function leaveWhenCollected<T>(hub: SharedSource<T>, seat: Seat<T>, name: string, closeTimeout: number): (exit: Exit) => unknown {
  return (exit) => {
    const closing = hub.leave(seat, exit, performance.now() + closeTimeout);
    if (closing === NO_ERROR) return undefined;
    return closing.then((error) => {
      if (error !== NO_ERROR) report({ type: 'cleanup-error', stage: name, error });
    });
  };
}
