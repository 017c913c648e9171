import type { Classified, Source, SourceItem } from '../source.js';
import type { Stage } from '../stage.js';
import type { Input } from '../input.js';
import { classifyAll, SiblingsStage } from './children.js';

class ZipStage<T> extends SiblingsStage<T[], T> {
  private values: T[] = [];
  private missing = 0;

  constructor(sources: readonly Classified[]) {
    super('zip', sources);
  }

  protected override pull(): void {
    const children = this.children;
    if (children.length === 0) {
      this.finish(false);
      return;
    }
    // One read per source, all at once; the tuple is emitted when the last one answers.
    this.values = new Array<T>(children.length);
    this.missing = children.length;
    const signal = this.sourceSignal;
    for (const child of children) {
      child.read(signal);
      if (!this.isOpen) return;
    }
  }

  inputResult(child: Input<T>, result: IteratorResult<T>): void {
    if (!this.isOpen) return;
    if (result.done === true) {
      // The shortest source ends the zip: C1, it is finished; closeChildren closes the rest.
      this.finish(false);
      return;
    }
    this.values[child.index] = result.value;
    if (--this.missing === 0) this.emit(this.values);
  }


}

/**
 * The item tuple of {@link zip}: one item from each source, in the sources' order.
 *
 * @example
 * ```ts
 * import { zip, type ZipItems } from 'iterscope';
 *
 * const pair: ZipItems<[number[], string[]]> = [1, 'a'];
 * for await (const [n, s] of zip([pair[0]], [pair[1]])) console.log(n, s); // 1 a
 * ```
 */
export type ZipItems<S extends readonly unknown[]> = { -readonly [K in keyof S]: SourceItem<S[K]> };

/**
 * Read all sources in lockstep and emit tuples: the first item of each, then the second
 * of each, and so on. Each round reads every source concurrently. The stream ends with
 * the shortest source; the other sources are then closed (C1), concurrently and all
 * awaited (C4), with several close errors as one `AggregateError` (C5).
 *
 * A function of its sources, not a curried operator; for a signal or a close deadline,
 * wrap the result: `aclosing(zip(a, b), { signal })`.
 *
 * @param sources - Any number of sources (none gives an empty stream).
 * @returns A stage of tuples.
 * @throws TypeError at the call when a source is not iterable (naming it).
 * @example
 * ```ts
 * import { zip } from 'iterscope';
 *
 * for await (const [n, s] of zip([1, 2, 3], ['a', 'b'])) console.log(n, s); // 1 a, 2 b
 * ```
 */
export function zip<S extends readonly Source<unknown>[]>(...sources: S): Stage<ZipItems<S>> {
  return new ZipStage<unknown>(classifyAll('zip', sources)) as unknown as Stage<ZipItems<S>>;
}
