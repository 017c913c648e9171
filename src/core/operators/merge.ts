import type { Exit } from '../exit.js';
import type { Classified, Source, SourceItem } from '../source.js';
import type { Stage } from '../stage.js';
import type { Input } from '../input.js';
import { classifyAll, closeAll, SiblingsStage } from './children.js';

/** A result that arrived while nobody was waiting: delivered in arrival order. */
interface Ready<T> {
  readonly child: Input<T>;
  readonly failed: boolean;
  readonly value: unknown;
}

class MergeStage<T> extends SiblingsStage<T, T> {
  private readonly ready: Ready<T>[] = [];
  /** Children that have not finished. */
  private active: number;
  /** The pending next() waits for whichever child answers first. */
  private wanted = false;

  constructor(sources: readonly Classified[]) {
    super('merge', sources);
    this.active = this.children.length;
  }

  protected override pull(): void {
    const ready = this.ready.shift();
    if (ready !== undefined) {
      if (ready.failed) this.sourceFailed(ready.value, ready.child.iterator);
      else this.emit(ready.value as T);
      return;
    }
    if (this.active === 0) {
      this.finish(false);
      return;
    }
    this.wanted = true;
    // Demand-driven: each child has at most one read in flight or one result waiting. No
    // result waits here (the queue was empty above), so every child not reading is read.
    // A child that fails at once stops the stage, whose close marks every child finished
    // at once (closeChildren runs first): the rest of the loop reads nothing.
    const signal = this.sourceSignal;
    for (const child of this.children) {
      if (!child.finished && !child.reading) child.read(signal);
    }
  }

  inputResult(child: Input<T>, result: IteratorResult<T>): void {
    if (!this.isOpen) return; // closed while the child was reading: drop the late item
    if (result.done === true) {
      this.active--;
      if (this.wanted && this.active === 0) {
        this.wanted = false;
        this.finish(false);
      }
      return;
    }
    const value = result.value;
    if (this.wanted) {
      this.wanted = false;
      this.emit(value);
    } else {
      this.ready.push({ child, failed: false, value });
    }
  }

  override inputError(child: Input<T>, error: unknown): void {
    if (!this.isOpen) {
      this.lateError(error); // C5: a sibling failed after the stage stopped: reported, not lost
      return;
    }
    this.active--;
    if (this.wanted) {
      this.wanted = false;
      // C1: the failed child is finished; closeChildren closes every other one.
      this.sourceFailed(error, child.iterator);
    } else {
      this.ready.push({ child, failed: true, value: error });
      this.keep(error); // C5: reported if the stream is abandoned before it is read
    }
  }

  // C4: siblings closed concurrently and all awaited; C5: several errors, one AggregateError.
  protected override closeChildren(exit: Exit, deadlineAt: number): ReturnType<typeof closeAll> {
    for (const r of this.ready) if (r.failed) this.lateError(r.value); // C5: never delivered, reported
    this.ready.length = 0;
    return super.closeChildren(exit, deadlineAt);
  }
}

/**
 * Interleave several sources: items are passed on as they arrive, from whichever source
 * answers first. Reading is demand-driven: each source has at most one `next()` in flight.
 * The stream ends when every source has ended; the first source error ends it with that
 * error.
 *
 * Any stop (the consumer's `break`/`return()`, an error, an abort downstream) closes every
 * source still open, concurrently, and waits for all of them up to the close deadline
 * (C4); several close errors arrive as one `AggregateError` (C5).
 *
 * `merge` is a function of its sources, not a curried operator: inside {@link pipe}, write
 * `(source) => merge(source, other)`. For a signal or a close deadline, wrap the result:
 * `aclosing(merge(a, b), { signal })`.
 *
 * @param sources - Any number of sources (none gives an empty stream).
 * @returns A stage reading all of them.
 * @throws TypeError at the call when a source is not iterable (naming it).
 * @example
 * ```ts
 * import { merge } from 'iterscope';
 *
 * async function* letters() { yield 'a'; yield 'b'; }
 * async function* digits() { yield 1; yield 2; }
 * for await (const x of merge(letters(), digits())) console.log(x); // a, 1, b, 2 (interleaved)
 * ```
 */
export function merge<S extends readonly Source<unknown>[]>(...sources: S): Stage<SourceItem<S[number]>> {
  return new MergeStage<SourceItem<S[number]>>(classifyAll('merge', sources));
}
