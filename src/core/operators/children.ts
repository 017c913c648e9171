/**
 * The sources of a stage that reads several at once (merge, zip, race, concat, buffered,
 * flatMap's inners). Each is a {@link Child}: opened lazily if it was an iterable, owned
 * from the start if it was an iterator (C1), closed at most once and never after it
 * finished. {@link closeAll} closes a set of them the one way the contract allows:
 * concurrently, all awaited up to the deadline, errors as one `AggregateError` (C4, C5).
 */
import { aggregate, NO_ERROR } from '../errors.js';
import { exitForSource, type Exit } from '../exit.js';
import { report } from '../report.js';
import type { AbandonRecord } from '../abandonment.js';
import { adoptIterator, closeIterator, StageBase } from '../stage.js';
import { classify, type Classified } from '../source.js';
import { describe } from '../validate.js';

/** Where a child's results go. One object per stage; the child passes itself along. */
export interface ChildSink<T> {
  childResult(child: Child<T>, result: unknown): void;
  childError(child: Child<T>, error: unknown): void;
}

/** One source of a multi-source stage. */
export class Child<T> {
  /** The open iterator, once opened (or given open). */
  iterator: AsyncIterator<T> | undefined;
  private opener: ((signal: AbortSignal | undefined) => AsyncIterator<unknown>) | undefined;
  /** C1: reported done or rejected: finished, never closed again. */
  finished = false;
  /** A next() is in flight. */
  reading = false;
  /** The child's position among its siblings (zip's slot, error order). */
  readonly index: number;
  private readonly sink: ChildSink<T>;
  private readonly owner: Owner;

  constructor(classified: Classified, index: number, sink: ChildSink<T>, owner: Owner, signal: AbortSignal | undefined) {
    this.index = index;
    this.sink = sink;
    this.owner = owner;
    if (classified.open) {
      // C1: an iterator handed in is open already: owned (and closed) from now on.
      this.iterator = classified.iterator as AsyncIterator<T>;
      owner.adopt(this.iterator, signal);
    } else {
      this.opener = classified.opener;
    }
  }

  /** True while the child holds an open iterator that has not finished. */
  get isOpen(): boolean {
    return this.iterator !== undefined && !this.finished;
  }

  /** Open the child (iterables open here, with the stage's signal: C3). May throw. */
  open(signal: AbortSignal | undefined): AsyncIterator<T> {
    let iterator = this.iterator;
    if (iterator === undefined) {
      const opener = this.opener;
      this.opener = undefined;
      if (opener === undefined) throw new TypeError('The source was already consumed.');
      iterator = opener(signal) as AsyncIterator<T>;
      this.iterator = iterator;
      this.owner.adopt(iterator, signal);
    }
    return iterator;
  }

  /** Ask for one item; the answer goes to the sink. Opens the child first if needed. */
  read(signal: AbortSignal | undefined): void {
    this.reading = true;
    let pending: unknown;
    try {
      pending = this.open(signal).next();
    } catch (error) {
      this.onError(error);
      return;
    }
    Promise.resolve(pending).then(this.onResult, this.onError);
  }

  // Bound once per child, not per item.
  private readonly onResult = (result: unknown): void => {
    this.reading = false;
    // C1: a done answer finishes the source even when it arrives after the stage stopped
    // reading (the sink drops it then): a close still to come must not reach it.
    if (typeof result === 'object' && result !== null && (result as IteratorResult<T>).done === true) {
      this.markFinished();
    }
    this.sink.childResult(this, result);
  };
  readonly onError = (error: unknown): void => {
    this.reading = false;
    this.markFinished(); // C1: a rejected next() finishes the source
    this.sink.childError(this, error);
  };

  /**
   * C1: the source reported done or rejected: never closed again, by the stage or by the
   * safety net (C7) if the stage is abandoned while its siblings are still open.
   */
  markFinished(): void {
    this.finished = true;
    if (this.iterator !== undefined) this.owner.release(this.iterator);
  }

  /** C1: close the child exactly once, unless it finished or was never opened. */
  close(exit: Exit, deadlineAt: number, stageName: string): Promise<unknown> | typeof NO_ERROR {
    const iterator = this.iterator;
    this.opener = undefined;
    if (iterator === undefined || this.finished) return NO_ERROR;
    this.finished = true;
    this.owner.release(iterator);
    return closeIterator(iterator as AsyncIterator<unknown>, exitForSource(exit), deadlineAt, stageName);
  }
}

/**
 * C4/C5: close every open child concurrently and wait for all of them (each up to the
 * deadline). One failure is itself; several become one `AggregateError`, in the order
 * the children were given.
 */
export function closeAll(
  children: Iterable<Child<unknown>>,
  exit: Exit,
  deadlineAt: number,
  stageName: string,
): Promise<unknown> | typeof NO_ERROR {
  let closing: Promise<unknown>[] | undefined;
  for (const child of children) {
    const one = child.close(exit, deadlineAt, stageName);
    if (one !== NO_ERROR) (closing ??= []).push(one);
  }
  if (closing === undefined) return NO_ERROR;
  return Promise.all(closing).then((errors) => aggregate(errors, `${stageName}: several sources failed to close.`));
}

/**
 * Ownership bookkeeping for the stage's abandonment record (C7): iterscope children are
 * adopted (they have records of their own); foreign ones are kept in a set that the
 * safety net closes if the stage is collected unfinished. The set and the finalizer
 * never reference the stage.
 */
export class Owner {
  private readonly foreign = new Set<AsyncIterator<unknown>>();
  private readonly record: AbandonRecord;
  private readonly stageName: string;
  /** C5: errors the stage holds for its consumer (a loser's close error); see keep(). */
  private kept: unknown[] | undefined;
  private abandoned = false;

  constructor(record: AbandonRecord, stageName: string) {
    this.record = record;
    this.stageName = stageName;
    (record.finalizers ??= []).push(closeForeignOnAbandon(this.foreign, stageName), this.onAbandon);
  }

  /**
   * C5: the stage holds `error` for its consumer, to surface when the stream ends. If the
   * stage is abandoned instead, the safety net reports it, so it is not lost with the stage.
   * Nothing needs releasing: once the stage stops, its record is untracked and the error
   * travels with the stop (delivered, attached to the close, or reported as late).
   */
  keep(error: unknown): void {
    if (this.abandoned) report({ type: 'late-error', stage: this.stageName, error });
    else (this.kept ??= []).push(error);
  }

  private readonly onAbandon = (): void => {
    this.abandoned = true;
    const kept = this.kept;
    this.kept = undefined;
    if (kept !== undefined) for (const error of kept) report({ type: 'late-error', stage: this.stageName, error });
  };

  adopt(iterator: AsyncIterator<unknown>, signal: AbortSignal | undefined): void {
    this.record.holdsOpen = true;
    if (!adoptIterator(iterator, signal)) this.foreign.add(iterator);
  }

  release(iterator: AsyncIterator<unknown>): void {
    this.foreign.delete(iterator);
  }
}

function closeForeignOnAbandon(foreign: Set<AsyncIterator<unknown>>, stageName: string): () => void {
  return () => {
    for (const iterator of foreign) {
      // Best effort, like the base's own safety net: a parked generator queues this.
      try {
        Promise.resolve(iterator.return?.()).catch((error: unknown) => {
          report({ type: 'cleanup-error', stage: stageName, error });
        });
      } catch (error) {
        report({ type: 'cleanup-error', stage: stageName, error });
      }
    }
    foreign.clear();
  };
}

/** What multi-source stages pass to the base as its (never opened) single source. */
export const NO_SOURCE: readonly never[] = Object.freeze([]);

/**
 * The base of the stages that read several sources side by side (merge, zip, race,
 * concat): one {@link Child} per source, all owned through one {@link Owner}, so each of
 * them gets ownership (C1), the safety net (C7) and the concurrent close (C4) the same way.
 * Subclasses read through `pull()` and answer in `childResult`/`childError`.
 */
export abstract class SiblingsStage<Out, In> extends StageBase<Out, never> implements ChildSink<In> {
  protected readonly children: Child<In>[];
  protected readonly owner: Owner;

  constructor(name: string, sources: readonly Classified[]) {
    super(name, NO_SOURCE, undefined);
    const owner = new Owner(this.record, name);
    this.owner = owner;
    this.children = sources.map((c, i) => new Child<In>(c, i, this, owner, undefined));
  }

  protected step(): never {
    throw new TypeError(`${this.stageName} reads its sources itself`);
  }

  abstract childResult(child: Child<In>, result: unknown): void;

  /** A source's read failed: that source is finished (C1), the stage stops with the error. */
  childError(child: Child<In>, error: unknown): void {
    if (!this.isOpen) {
      this.lateError(error); // C5: a sibling failed after the stage stopped: reported, not lost
      return;
    }
    this.sourceFailed(error, child.iterator);
  }

  // C4/C5: every open source closed concurrently, all awaited, errors aggregated.
  protected override closeChildren(exit: Exit, deadlineAt: number): ReturnType<typeof closeAll> {
    return closeAll(this.children, exit, deadlineAt, this.stageName);
  }
}

/**
 * C10: classify every source at the call; a bad one is a TypeError naming its position
 * (`merge: sources[1]: ...`).
 */
export function classifyAll(where: string, sources: readonly unknown[]): Classified[] {
  if (!Array.isArray(sources)) {
    throw new TypeError(`${where}: expected \`sources\` to be an array, got ${describe(sources)}.`);
  }
  return sources.map((source, i) => classify(`${where}: sources[${String(i)}]`, source));
}
