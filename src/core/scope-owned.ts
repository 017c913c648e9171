/**
 * What a {@link scoped} body owns: the streams it registered with `own()` and the open
 * iterators it was handed as arguments. The scoped stage closes all of them first when it
 * stops (C4), so that a body parked on one of them resumes at once.
 *
 * Nothing here references the scoped stage itself: the body (and through it the scope)
 * is reachable from the stage, never the other way round, and the safety net's record
 * holds the owned streams only weakly (C7).
 */
import { NO_ERROR, aggregate } from './errors.js';
import { ABANDONED, CANCELLED, exitForSource, type Exit } from './exit.js';
import { report } from './report.js';
import { StageBase, adoptIterator, closeIterator, closeReason } from './stage.js';

/** The name owned streams carry in reports and error messages. */
const OWN = 'scoped: own';

/** The bookkeeping of one scoped stage. */
export class ScopeState {
  /** Owned streams still open, in the order they were registered. */
  readonly owned = new Set<OwnedStage<unknown>>();
  /** The same streams, weakly, for the safety net (C7). */
  readonly refs = new Set<WeakRef<OwnedStage<unknown>>>();
  /** Open iterators handed to the scoped function as arguments and not (yet) owned. */
  readonly handed = new Set<AsyncIterator<unknown>>();
  /** `signal` of the scope: aborts when the scoped stage stops for any reason (C3). */
  readonly controller = new AbortController();
  /** Settles once the owned streams have finished closing; set when the scope stops. */
  ownedClosed: Promise<void> | undefined;
  readonly closeTimeout: number | undefined;

  constructor(closeTimeout: number | undefined) {
    this.closeTimeout = closeTimeout;
  }

  get stopped(): boolean {
    return this.ownedClosed !== undefined;
  }

  /**
   * C4/C5: close every owned stream and handed iterator concurrently, all awaited up to
   * the deadline; several errors become one AggregateError. Their pending reads settle at
   * once (done; on an abort, the abort's reason), which is what frees the body. The
   * scope's signal aborts right after, so sources that took it stop too (C3).
   */
  close(exit: Exit, deadlineAt: number, stageName: string): Promise<unknown> | typeof NO_ERROR {
    let release: () => void = () => undefined;
    this.ownedClosed = new Promise<void>((resolve) => {
      release = resolve;
    });
    const streams = [...this.owned];
    if (exit.outcome === 'aborted') {
      // C3: every owned stream is aborted with the same reason: its pending read rejects
      // with it and its chain ends as `aborted`.
      for (const stream of streams) stream.abort(exit.reason);
    }
    // C4: all of them at once (siblings), each settling its pending read synchronously.
    const closing: unknown[] = [];
    const sourceExit = exitForSource(exit);
    for (const stream of streams) closing.push(closeIterator(stream, sourceExit, deadlineAt, stageName));
    for (const iterator of this.handed) closing.push(closeIterator(iterator, sourceExit, deadlineAt, stageName));
    this.handed.clear();
    // C3: after the closes were sent, so the stages below stop as closed, not as failed.
    // abort() does nothing on a signal already aborted: the first reason stays.
    this.controller.abort(closeReason(stageName, exit));
    if (closing.every((c) => c === NO_ERROR)) {
      release();
      return NO_ERROR;
    }
    return Promise.all(closing).then((errors) => {
      release();
      return aggregate(errors, `${stageName}: several owned streams failed to close.`);
    });
  }

  /** C1: register a stream the body reads; the scope closes it when it stops. */
  own<T>(source: unknown): OwnedStage<T> {
    this.handed.delete(source as AsyncIterator<unknown>); // whatever it is: only iterators are there
    const stage = new OwnedStage<T>(source, this);
    // C7: the scope answers for it: only the scoped stage reports a leak.
    adoptIterator(stage as AsyncIterator<unknown>, undefined);
    if (this.stopped) {
      // Owned after the scope stopped (from the body's finally): closed at once, so an
      // iterator handed in is still closed exactly once (C1).
      void Promise.resolve(closeIterator(stage, CANCELLED, Infinity, OWN)).then(
        (error) => {
          if (error !== NO_ERROR) report({ type: 'cleanup-error', stage: OWN, error });
        },
      );
      return stage;
    }
    this.owned.add(stage as OwnedStage<unknown>);
    this.refs.add(stage.ref as WeakRef<OwnedStage<unknown>>);
    return stage;
  }

  forget(stage: OwnedStage<unknown>): void {
    this.owned.delete(stage);
    this.refs.delete(stage.ref);
  }
}

/**
 * A stream registered with `own()`. It reads its source like `aclosing`, with a close
 * signal of its own: aborted with the exact reason when the scope is aborted (then its
 * pending read rejects with that reason, C3), and with an `AbortError` on any other stop,
 * so that sources below it that took the signal stop as well.
 */
export class OwnedStage<T> extends StageBase<T, T> {
  readonly ref: WeakRef<OwnedStage<T>>;
  private readonly scope: ScopeState;
  private readonly scopeAbort: AbortController;

  constructor(source: unknown, scope: ScopeState, scopeAbort = new AbortController()) {
    super(OWN, source, { signal: scopeAbort.signal, closeTimeout: scope.closeTimeout });
    this.scope = scope;
    this.scopeAbort = scopeAbort;
    this.ref = new WeakRef(this);
  }


  /** C3: the scope was aborted: reject the pending read with `reason` and close. */
  abort(reason: unknown): void {
    this.scopeAbort.abort(reason); // a second abort() does nothing: the first reason stays
  }

  /**
   * C4: when the scope closes this stream, the body's pending read settles at once but is
   * handed to the body only once every owned stream has finished closing, so that the
   * body's `finally` runs after them, as a `finally` runs after a `for await`'s close.
   */
  override next(): Promise<IteratorResult<T, undefined>> {
    return super.next().then(this.afterRead, this.afterFailedRead);
  }

  private readonly afterRead = (result: IteratorResult<T, undefined>): IteratorResult<T, undefined> | Promise<IteratorResult<T, undefined>> => {
    const closed = this.scope.ownedClosed;
    // C4: the body resumes (and runs its finally) only after every owned stream closed.
    return closed === undefined ? result : closed.then(() => result);
  };

  private readonly afterFailedRead = (error: unknown): Promise<never> => {
    const closed = this.scope.ownedClosed;
    return closed === undefined ? Promise.reject(error) : closed.then(() => Promise.reject(error));
  };

  /**
   * Runs first on every stop, before the source is closed: the stream leaves the scope.
   * Sources below that took a signal get the stage's close signal (C3), aborted on this stop.
   */
  protected override closeChildren(): typeof NO_ERROR {
    this.scope.forget(this as OwnedStage<unknown>);
    return NO_ERROR;
  }
}

/**
 * C7: the scoped stage was collected unfinished. Owned streams collected with it run their
 * own safety net (spans end `abandoned`, their sources are closed); one still alive
 * elsewhere (the body handed it out) is closed here. The closure holds the streams weakly
 * and never the scoped stage: a parked read of an owned stream leads back to the body.
 */
export function closeOwnedOnAbandon(refs: Set<WeakRef<OwnedStage<unknown>>>, stageName: string): () => void {
  return () => {
    for (const ref of refs) {
      const stream = ref.deref();
      if (stream === undefined) continue;
      // C7/C9: the consumer abandoned the scope: a stream it owned ends `abandoned` too.
      void Promise.resolve(closeIterator(stream, ABANDONED, Infinity, stageName)).then((error) => {
        if (error !== NO_ERROR) report({ type: 'cleanup-error', stage: stageName, error });
      });
    }
    refs.clear();
  };
}
