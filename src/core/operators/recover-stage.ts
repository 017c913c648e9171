/**
 * The stage behind catchError and retry: it reads one source at a time, and when that
 * source fails, asks `recover` for the next one instead of failing. The failed source is
 * finished (its next() rejected), so it is not closed (C1); the next one is opened at
 * once for the read that is waiting, with the stage's signal (C3), and closed with the
 * stage unless it finishes (C1, C4).
 */
import type { Exit } from '../exit.js';
import { classify, type Classified } from '../source.js';
import { StageBase, type StageOptions } from '../stage.js';
import { describe } from '../validate.js';
import { Child, closeAll, NO_SOURCE, Owner, type ChildSink } from './children.js';

/** Given the error and how many recoveries came before, the next source; throw to fail. @internal */
export type Recover = (error: unknown, attempt: number) => unknown;

/** C3: an abort is not a failure to recover from (rule 2: it stays an abort). */
function isAbort(error: unknown, signal: AbortSignal | undefined): boolean {
  return (error instanceof Error && error.name === 'AbortError') || (signal?.aborted === true && error === signal.reason);
}

/** @internal */
export class RecoverStage<T> extends StageBase<T, never> implements ChildSink<T> {
  private current: Child<T>;
  private readonly owner: Owner;
  private attempt = 0;

  constructor(
    name: string,
    source: Classified,
    private readonly recover: Recover,
    private readonly options: StageOptions | undefined,
  ) {
    super(name, NO_SOURCE, options);
    this.owner = new Owner(this.record, name);
    this.current = new Child<T>(source, 0, this, this.owner, options?.signal);
  }

  protected step(): never {
    throw new TypeError(`${this.stageName} reads its sources itself`);
  }

  protected override pull(): void {
    this.current.read(this.sourceSignal);
  }

  childResult(child: Child<T>, result: unknown): void {
    if (!this.isOpen || child !== this.current) return; // a late answer after the stop
    if (typeof result !== 'object' || result === null) {
      child.onError(new TypeError(`${this.stageName}: the source's next() resolved to ${describe(result)}, not an iterator result.`));
      return;
    }
    if ((result as IteratorResult<T>).done === true) this.finish(false); // C1: finished, never closed
    else this.emit((result as IteratorYieldResult<T>).value);
  }

  childError(child: Child<T>, error: unknown): void {
    if (!this.isOpen || child !== this.current) {
      this.lateError(error); // C5: failed after the stage stopped: reported, not lost
      return;
    }
    if (isAbort(error, this.sourceSignal)) {
      this.sourceFailed(error);
      return;
    }
    let next: Classified;
    try {
      next = classify(this.stageName, this.recover(error, this.attempt++));
    } catch (failure) {
      // The recovery gave up (rethrew) or failed: the stream fails with that error.
      this.sourceFailed(failure);
      return;
    }
    this.current = new Child<T>(next, this.attempt, this, this.owner, this.options?.signal);
    this.current.read(this.sourceSignal); // the read that is waiting continues on the new source
  }

  // C1/C4: the source in use is closed once, unless it finished.
  protected override closeChildren(exit: Exit, deadlineAt: number): ReturnType<typeof closeAll> {
    return closeAll([this.current], exit, deadlineAt, this.stageName);
  }
}
