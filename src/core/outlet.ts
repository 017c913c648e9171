/**
 * C2/C3/C5: a stage's outlet, the side the consumer reads. It holds the readers waiting on
 * `next()`, in order, and one value saying what the next reader gets once the stage stops
 * reading: nothing special while it reads (`READING`), the outcome of a stop still closing
 * (`awaitingClose`), an error or an abort nobody has received yet (`kept`), or done.
 *
 * The stage decides when to stop and why; the outlet only answers readers. Every change of
 * the answer happens in one method here, named for the transition and documented where it
 * happens, so "what does a `next()` get now?" has one place to look.
 *
 * A reader is a pair: a promise's resolve and reject (a `next()`), or a stage reading this
 * one directly (its `DirectReader`, twice). The head reader is kept in two fields and
 * the rest in one array of pairs, so that the usual case (one reader at a time) allocates
 * nothing per item but what the reader is handed: an iterator result for a promise, the
 * bare item for a reading stage.
 */
import { NO_ERROR } from './errors.js';
import type { DirectReader } from './protocol.js';

/** Answers a reader with an item or with done. @internal */
export type Resolve<T> = (result: IteratorResult<T, undefined>) => void;
/** Rejects a reader. @internal */
export type Reject = (error: unknown) => void;
/** What answers a reader: a promise's resolve, or a reading stage's reader. @internal */
export type Answerer<T> = Resolve<T> | DirectReader;
/** What rejects a reader: a promise's reject, or a reading stage's reader. @internal */
export type Rejecter = Reject | DirectReader;

/**
 * The done a reading stage is handed: one object for every direct read, since the reader
 * only looks at it (input.ts) and it never reaches a consumer. A stage closing down a chain
 * answers the stage reading it with done, so a fresh object there was one more per stage
 * closed; a `next()`'s promise still gets a fresh one, which its consumer may keep or change.
 */
const DONE_FOR_READER: IteratorResult<never, undefined> = Object.freeze({ done: true, value: undefined });

/** Answer `to` with done. @internal */
export function answerDone<T>(to: Answerer<T>): void {
  if (typeof to === 'function') to({ done: true, value: undefined });
  else to.resolve(DONE_FOR_READER);
}

/** Reject `to` with `error`. @internal */
export function rejectWith(to: Rejecter, error: unknown): void {
  if (typeof to === 'function') to(error);
  else to.reject(error);
}

/**
 * What the next reader gets. `reading`: the stage reads for it. `awaiting-close`: the stage
 * stops on its own and readers wait for its close, then the head gets `error` (with the
 * close's error attached) or done. `error` / `abort`: the next reader rejects with `value`
 * (once), then readers get done. `done`: every reader gets done.
 * @internal
 */
export type Answer =
  | { readonly kind: 'reading' }
  | { readonly kind: 'awaiting-close'; readonly value: unknown }
  | { readonly kind: 'error'; readonly value: unknown }
  | { readonly kind: 'abort'; readonly value: unknown }
  | { readonly kind: 'done' };

const READING: Answer = { kind: 'reading' };
const DONE: Answer = { kind: 'done' };

/** @internal */
export class Outlet<T> {
  // The head is being answered; the rest wait in order (C2), as resolve/reject pairs.
  private headResolve: Answerer<T> | undefined;
  private headReject: Rejecter | undefined;
  private queue: (Answerer<T> | Rejecter)[] | undefined;
  /** What the next reader gets (see {@link Answer}). */
  answer: Answer = READING;

  /** True while a reader waits for an answer. */
  get waiting(): boolean {
    return this.headReject !== undefined;
  }

  /** True when the head reader is a `next()`'s promise, not a stage reading directly. */
  get headIsNext(): boolean {
    return typeof this.headResolve === 'function';
  }

  /**
   * Add a reader at the end of the line. Returns true when it is the head: nobody was
   * being answered, so the stage must start a read for it.
   */
  add(resolve: Answerer<T>, reject: Rejecter): boolean {
    if (this.headResolve === undefined) {
      this.headResolve = resolve;
      this.headReject = reject;
      return true;
    }
    (this.queue ??= []).push(resolve, reject);
    return false;
  }

  /**
   * Answer the head with an item; the next reader in line becomes the head. Returns true
   * when there is one (the stage reads on for it).
   */
  give(value: T): boolean {
    const resolve = this.headResolve;
    const queue = this.queue;
    let more = false;
    if (queue !== undefined && queue.length > 0) {
      this.headResolve = queue.shift();
      this.headReject = queue.shift() as Rejecter;
      more = true;
    } else {
      this.headResolve = undefined;
      this.headReject = undefined;
    }
    if (typeof resolve === 'function') resolve({ done: false, value });
    else resolve?.item(value);
    return more;
  }

  // ---------------------------------------------------------------- answering everyone

  /**
   * C2/C5: the stream ended: the head rejects with `error` if there is one, every other
   * reader gets done. Advances the answer to `done`.
   */
  settle(error: unknown): void {
    this.answer = DONE;
    const reject = this.headReject;
    let resolve = this.headResolve;
    this.headResolve = undefined;
    this.headReject = undefined;
    if (error !== NO_ERROR && reject !== undefined) {
      resolve = undefined;
      rejectWith(reject, error);
    }
    if (resolve !== undefined) answerDone(resolve);
    const queue = this.queue;
    this.queue = undefined;
    if (queue !== undefined) {
      for (let i = 0; i < queue.length; i += 2) answerDone(queue[i] as Answerer<T>);
    }
  }

  /** C3: an abort rejects every reader with its reason, that exact object. Advances the answer to `done`. */
  rejectAll(reason: unknown): void {
    this.answer = DONE;
    const reject = this.headReject;
    this.headResolve = undefined;
    this.headReject = undefined;
    if (reject !== undefined) rejectWith(reject, reason);
    const queue = this.queue;
    this.queue = undefined;
    if (queue !== undefined) {
      for (let i = 1; i < queue.length; i += 2) rejectWith(queue[i] as Rejecter, reason);
    }
  }

  // ---------------------------------------------------------------- the answer

  /**
   * The stage stops on its own (source done or failed, callback failed, count reached):
   * advances the answer to `awaiting-close`; readers wait for the close, then the head
   * gets `primary` (C5: the error the consumer would see without cleanup) or done.
   */
  awaitClose(primary: unknown): void {
    this.answer = { kind: 'awaiting-close', value: primary };
  }

  /** True while readers wait for a stop of the stage's own to finish closing. */
  get awaitingClose(): boolean {
    return this.answer.kind === 'awaiting-close';
  }

  /** The error a stop of the stage's own hands its reader (NO_ERROR for a clean end). */
  get primary(): unknown {
    const answer = this.answer;
    return answer.kind === 'awaiting-close' ? answer.value : NO_ERROR;
  }

  /**
   * C5: a stop's error that no reader was waiting for: advances the answer to `error`; the
   * next reader receives it.
   */
  keepError(error: unknown): void {
    this.answer = { kind: 'error', value: error };
  }

  /** C3: an abort no reader received: advances the answer to `abort`; the next reader rejects with `reason`. */
  keepAbort(reason: unknown): void {
    this.answer = { kind: 'abort', value: reason };
  }

  /** The kept error, or NO_ERROR. */
  get keptError(): unknown {
    const answer = this.answer;
    return answer.kind === 'error' ? answer.value : NO_ERROR;
  }

  /**
   * Nobody will receive what the stage was holding (a close took over, or an abort won):
   * advances the answer to `done` and returns what was dropped, for the stage to report.
   */
  drop(): Answer {
    const answer = this.answer;
    this.answer = DONE;
    return answer;
  }

  /**
   * What one reader gets after the stage stopped, without waiting: the kept abort or error
   * (handed over once: the answer advances to `done`), or `done`.
   */
  takeAfterEnd(): Answer {
    const answer = this.answer;
    if (answer.kind === 'abort' || answer.kind === 'error') this.answer = DONE;
    return answer;
  }
}
