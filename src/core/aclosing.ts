import { PassStage, type StageOptions, type Stage } from './stage.js';
import type { Source } from './source.js';
import { describe } from './validate.js';

/**
 * Turn any source into a stage that keeps the whole contract: it closes the source exactly
 * once on `break`, `throw`, `return()` or abort (C1), settles a pending `next()` at once
 * when closed (C2), honours `options.signal` (C3), and works with `await using` (C6).
 *
 * An iterator (a generator object) is owned from this call on, and closed even if the
 * stage is never read; an iterable is opened on the first `next()`.
 *
 * @param source - An async iterable or iterator, or a sync iterable (of values or promises).
 * @param options - `signal` to abort, `closeTimeout` for the close deadline in ms.
 * @returns A stage reading `source`.
 * @throws TypeError when `source` is not iterable, or an option has the wrong type.
 * @example
 * ```ts
 * import { aclosing } from 'iterscope';
 *
 * async function* lines() {
 *   try { yield 'a'; yield 'b'; } finally { console.log('closed'); }
 * }
 * await using stream = aclosing(lines());
 * for await (const line of stream) {
 *   console.log(line);
 *   break; // prints 'closed' before the loop ends
 * }
 * ```
 */
export function aclosing<T>(source: Source<T>, options?: StageOptions): Stage<T> {
  return new PassStage<T>('aclosing', source, options);
}

/**
 * Share an iterator without handing over its closing (C1): the borrow reads from
 * `iterator` and keeps the rest of the contract (prompt settlement, abort), but closing
 * the borrow leaves `iterator` open for its owner.
 *
 * An item `iterator` produces after the borrow was closed while it was pending is lost to
 * the owner: close borrows between reads when that matters.
 *
 * @param iterator - An open async (or sync) iterator owned by someone else.
 * @param options - `signal` and `closeTimeout`, as for {@link aclosing}.
 * @returns A stage that reads `iterator` and never closes it.
 * @throws TypeError when `iterator` is not an iterator (an iterable has nothing to share).
 * @example
 * ```ts
 * import { borrow } from 'iterscope';
 *
 * async function* numbers() { yield 1; yield 2; yield 3; }
 * const it = numbers();
 * for await (const header of borrow(it)) { console.log('header', header); break; }
 * for await (const rest of it) console.log('body', rest); // 2, 3: still open
 * ```
 */
export function borrow<T>(iterator: AsyncIterator<T> | Iterator<T | PromiseLike<T>>, options?: StageOptions): Stage<T> {
  if (typeof (iterator as { next?: unknown } | null | undefined)?.next !== 'function') {
    // C10: borrow only makes sense for an open iterator; an iterable has nothing to share.
    throw new TypeError(
      `borrow: expected \`iterator\` to be an iterator (an object with a next() method), got ${describe(iterator)}.`,
    );
  }
  return new PassStage<T>('borrow', iterator, { ...options, owns: false });
}
