/**
 * The stage behind catchError and retry: it reads one source at a time, and when that
 * source fails, asks `recover` for the next one instead of failing. The failed source is
 * finished (its next() rejected), so it is not closed (C1); the next one is opened at
 * once for the read that is waiting, with the stage's signal (C3), and closed with the
 * stage unless it finishes (C1, C4).
 */
import type { Exit } from '../exit.js';
import type { Input, InputSink } from '../input.js';
import { classify, type Classified } from '../source.js';
import type { StageOptions } from '../stage.js';
import { closeAll, InputsStage } from './children.js';

/** Given the error and how many recoveries came before, the next source; throw to fail. @internal */
export type Recover = (error: unknown, attempt: number) => unknown;

/** @internal */
export class RecoverStage<T> extends InputsStage<T, T> implements InputSink<T> {
  private current: Input<T>;
  private attempt = 0;

  constructor(
    name: string,
    source: Classified,
    private readonly recover: Recover,
    options: StageOptions | undefined,
  ) {
    super(name, options);
    this.current = this.inputOf(source, 0, this);
  }

  protected override pull(): void {
    this.current.read(this.sourceSignal);
  }

  inputResult(input: Input<T>, result: IteratorResult<T>): void {
    if (!this.isOpen || input !== this.current) return; // a late answer after the stop
    if (result.done === true) this.finish(false); // C1: finished, never closed
    else this.emit(result.value);
  }

  inputError(child: Input<T>, error: unknown): void {
    if (!this.isOpen || child !== this.current) {
      this.lateError(error); // C5: failed after the stage stopped: reported, not lost
      return;
    }
    if (this.endedByAbort(error, child.iterator)) {
      // C3: an abort is not a failure to recover from: a stage below that ended by an
      // abort (its own signal's) rejects with the reason, and it stays an abort here.
      this.sourceFailed(error, child.iterator);
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
    this.current = this.inputOf(next, this.attempt, this);
    this.current.read(this.sourceSignal); // the read that is waiting continues on the new source
  }

  // C1/C4: the source in use is closed once, unless it finished.
  protected override closeChildren(exit: Exit, deadlineAt: number): ReturnType<typeof closeAll> {
    return closeAll([this.current], exit, deadlineAt, this.stageName);
  }
}
