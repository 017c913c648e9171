/**
 * The base of single-source operators that act when their source ends (endWith, batch):
 * the source is read as a {@link Child}, so its end arrives as a call (`ended()`) instead
 * of the base's own stop, and the stage can still pass items after it. Ownership (C1),
 * the safety net (C7) and the close (C4) are the ones every multi-source stage uses.
 *
 * A `flush()` hook in StageBase (called when the source reports done, before the stage
 * finishes) would let these operators use `step()` like map and take, and this file would
 * go away.
 */
import { NO_ERROR } from '../errors.js';
import type { Exit } from '../exit.js';
import { classify, type Source } from '../source.js';
import { SKIP, StageBase, type StageOptions } from '../stage.js';
import { describe } from '../validate.js';
import { Child, closeAll, NO_SOURCE, Owner, type ChildSink } from './children.js';

/** @internal */
export abstract class InputStage<Out, In> extends StageBase<Out, never> implements ChildSink<In> {
  private readonly input: Child<In>;
  /** The source reported done: every later read goes to `ended()`. */
  private sourceDone = false;

  constructor(name: string, source: Source<In>, options: StageOptions | undefined) {
    super(name, NO_SOURCE, options);
    const owner = new Owner(this.record, name);
    this.input = new Child<In>(classify(name, source), 0, this, owner, options?.signal);
  }

  /** One item from the source: what to pass on, or SKIP to read another. May throw. */
  protected abstract onItem(value: In): Out | typeof SKIP;

  /** A read after the source reported done: `emit()` what is left, or `finish(false)`. */
  protected abstract ended(): void;

  protected step(): never {
    throw new TypeError(`${this.stageName} reads its source itself`);
  }

  protected override pull(): void {
    if (this.sourceDone) this.ended();
    else this.input.read(this.sourceSignal);
  }

  childResult(_child: Child<In>, result: unknown): void {
    if (!this.isOpen) return; // closed while the source was parked: drop the late item
    if (typeof result !== 'object' || result === null) {
      this.input.onError(new TypeError(`${this.stageName}: the source's next() resolved to ${describe(result)}, not an iterator result.`));
      return;
    }
    if ((result as IteratorResult<In>).done === true) {
      // C1: the child marked itself finished: it is never closed now.
      this.sourceDone = true;
      this.ended();
      return;
    }
    let out: Out | typeof SKIP;
    try {
      out = this.onItem((result as IteratorYieldResult<In>).value);
    } catch (error) {
      this.callbackFailed(error); // C1: closes the source
      return;
    }
    if (out === SKIP) this.pull();
    else this.emit(out);
  }

  childError(_child: Child<In>, error: unknown): void {
    if (!this.isOpen) {
      this.lateError(error); // C5: failed after the stage stopped: reported, not lost
      return;
    }
    this.sourceFailed(error);
  }

  // C1/C4: the source is closed once, unless it finished.
  protected override closeChildren(exit: Exit, deadlineAt: number): Promise<unknown> | typeof NO_ERROR {
    return closeAll([this.input], exit, deadlineAt, this.stageName);
  }
}
