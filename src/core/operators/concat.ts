import type { Source, SourceItem } from '../source.js';
import type { Stage } from '../stage.js';
import type { Input } from '../input.js';
import { classifyAll, SiblingsStage } from './children.js';

/** Reads its sources one after the other; also behind `startWith` (its values, then the source). */
export class ConcatStage<T> extends SiblingsStage<T, T> {
  private current = 0;

  protected override pull(): void {
    const child = this.children[this.current];
    if (child === undefined) {
      this.finish(false);
      return;
    }
    // An iterable opens only when its turn comes (C1); an iterator given open was owned
    // from the call.
    child.read(this.sourceSignal);
  }

  inputResult(_child: Input<T>, result: IteratorResult<T>): void {
    if (!this.isOpen) return;
    if (result.done === true) {
      this.current++;
      this.pull();
      return;
    }
    this.emit(result.value);
  }
}

/**
 * Read the sources one after the other: all of the first, then all of the second, and so
 * on. An iterable opens only when its turn comes; an iterator passed in (already open) is
 * owned from the call, so a stop closes it even if its turn never came (C1).
 *
 * A function of its sources, not a curried operator; for a signal or a close deadline,
 * wrap the result: `aclosing(concat(a, b), { signal })`.
 *
 * @param sources - Any number of sources (none gives an empty stream).
 * @returns A stage reading them in order.
 * @throws TypeError at the call when a source is not iterable (naming it).
 * @example
 * ```ts
 * import { concat } from 'iterscope';
 *
 * async function* tail() { yield 3; }
 * for await (const x of concat([1, 2], tail())) console.log(x); // 1, 2, 3
 * ```
 */
export function concat<S extends readonly Source<unknown>[]>(...sources: S): Stage<SourceItem<S[number]>> {
  return new ConcatStage<SourceItem<S[number]>>('concat', classifyAll('concat', sources));
}
