import { NO_ERROR, suppress } from '../errors.js';
import { CANCELLED, type Exit } from '../exit.js';
import { report } from '../report.js';
import type { Classified, Source, SourceItem } from '../source.js';
import type { Stage } from '../stage.js';
import { keep, type AbandonRecord } from '../abandonment.js';
import type { Input } from '../input.js';
import { classifyAll, closeAll, SiblingsStage } from './children.js';

class RaceStage<T> extends SiblingsStage<T, T> {
  private winner: Input<T> | undefined;
  /** The losers' close, started the moment the winner was known; awaited on stop. */
  private losersClosing: Promise<unknown> | typeof NO_ERROR = NO_ERROR;

  constructor(sources: readonly Classified[]) {
    super('race', sources);
  }

  protected override pull(): void {
    const winner = this.winner;
    if (winner !== undefined) {
      winner.read(this.sourceSignal);
      return;
    }
    if (this.children.length === 0) {
      this.finish(false);
      return;
    }
    const signal = this.sourceSignal;
    for (const child of this.children) {
      child.read(signal);
      if (!this.isOpen || this.winner !== undefined) return;
    }
  }

  /** The first source to answer its first next() (item, end or error) wins. */
  private crown(child: Input<T>): void {
    this.winner = child;
    const losers = this.children.filter((c) => c !== child);
    // Losers are closed as soon as the winner is known, concurrently; their errors are
    // kept for the end of the stream, and reported if the stream is abandoned instead (C5).
    const closing = closeAll(losers, CANCELLED, this.deadline(), this.stageName);
    this.losersClosing = closing === NO_ERROR ? NO_ERROR : closing.then(keepIn(this.record));
  }

  inputResult(child: Input<T>, result: IteratorResult<T>): void {
    if (!this.isOpen) return;
    if (this.winner === undefined) this.crown(child);
    else if (child !== this.winner) return; // a loser answered after losing: dropped
    if (result.done === true) {
      this.finish(false);
      return;
    }
    this.emit(result.value);
  }

  override inputError(child: Input<T>, error: unknown): void {
    if (!this.isOpen) {
      this.lateError(error); // C5: a sibling failed after the stage stopped: reported, not lost
      return;
    }
    if (this.winner === undefined) this.crown(child);
    else if (child !== this.winner) {
      // A loser's read failed after it lost: nobody will see it, so it is reported (C5).
      report({ type: 'late-error', stage: this.stageName, error });
      return;
    }
    this.sourceFailed(error, child.iterator);
  }

  protected override closeChildren(exit: Exit, deadlineAt: number): Promise<unknown> | typeof NO_ERROR {
    const rest = super.closeChildren(exit, deadlineAt);
    const losers = this.losersClosing;
    if (losers === NO_ERROR) return rest;
    if (rest === NO_ERROR) return losers;
    return Promise.all([losers, rest]).then(([l, r]) => suppress(r, l));
  }
}

/** Module-level, so the callback holds the record and never the stage (C7). */
function keepIn(record: AbandonRecord): (error: unknown) => unknown {
  return (error) => {
    if (error !== NO_ERROR) keep(record, error);
    return error;
  };
}

/**
 * Read from whichever source answers first: the first source to settle its first
 * `next()` (with an item, the end, or an error) wins, and the stream continues with it
 * alone. The losers are closed as soon as the winner is known, concurrently (C4); their
 * close errors reach the consumer when the stream ends (C5).
 *
 * A function of its sources, not a curried operator; for a signal or a close deadline,
 * wrap the result: `aclosing(race(a, b), { signal })`.
 *
 * @param sources - Any number of sources (none gives an empty stream).
 * @returns A stage reading the winner.
 * @throws TypeError at the call when a source is not iterable (naming it).
 * @example
 * ```ts
 * import { race } from 'iterscope';
 *
 * async function* slow() { await new Promise((r) => setTimeout(r, 50)); yield 'slow'; }
 * async function* fast() { yield 'fast'; yield 'faster'; }
 * for await (const x of race(slow(), fast())) console.log(x); // 'fast', 'faster'
 * ```
 */
export function race<S extends readonly Source<unknown>[]>(...sources: S): Stage<SourceItem<S[number]>> {
  return new RaceStage<SourceItem<S[number]>>(classifyAll('race', sources));
}
