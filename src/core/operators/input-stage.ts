/**
 * The base of single-source operators that act when their source ends (endWith, batch):
 * the source is read as an {@link Input} of the stage's own, so its end arrives as a call
 * (`ended()`) instead of the base's own stop, and the stage can still pass items after it.
 * Ownership (C1), the close signal (C3), the safety net (C7) and the close (C4) are the
 * ones every stage uses.
 *
 * A `flush()` hook in StageBase (called when the source reports done, before the stage
 * finishes) would let these operators use `step()` like map and take, and this file would
 * go away.
 */
import { NO_ERROR } from '../errors.js';
import type { Exit } from '../exit.js';
import type { Input, InputSink } from '../input.js';
import { classify, type Source } from '../source.js';
import { SKIP, type StageOptions } from '../stage.js';
import { closeAll, InputsStage } from './children.js';

/** @internal */
export abstract class InputStage<Out, In> extends InputsStage<Out, In> implements InputSink<In> {
  private readonly input: Input<In>;
  /** The source reported done: every later read goes to `ended()`. */
  private sourceDone = false;

  constructor(name: string, source: Source<In>, options: StageOptions | undefined) {
    const classified = classify(name, source);
    super(name, options);
    this.input = this.inputOf(classified, 0, this);
  }

  /** One item from the source: what to pass on, or SKIP to read another. May throw. */
  protected abstract onItem(value: In): Out | typeof SKIP;

  /** A read after the source reported done: `emit()` what is left, or `finish(false)`. */
  protected abstract ended(): void;

  protected override pull(): void {
    if (this.sourceDone) this.ended();
    else this.input.read(this.sourceSignal);
  }

  inputResult(_input: Input<In>, result: IteratorResult<In>): void {
    if (!this.isOpen) return; // closed while the source was parked: drop the late item
    if (result.done === true) {
      // C1: the child marked itself finished: it is never closed now.
      this.sourceDone = true;
      this.ended();
      return;
    }
    let out: Out | typeof SKIP;
    try {
      out = this.onItem(result.value);
    } catch (error) {
      this.callbackFailed(error); // C1: closes the source
      return;
    }
    if (out === SKIP) this.pull();
    else this.emit(out);
  }

  inputError(_input: Input<In>, error: unknown): void {
    if (!this.isOpen) {
      this.lateError(error); // C5: failed after the stage stopped: reported, not lost
      return;
    }
    this.sourceFailed(error, this.input.iterator);
  }

  // C1/C4: the source is closed once, unless it finished.
  protected override closeChildren(exit: Exit, deadlineAt: number): Promise<unknown> | typeof NO_ERROR {
    return closeAll([this.input], exit, deadlineAt, this.stageName);
  }
}
