import type { Source } from '../source.js';
import { isThenable } from '../source.js';
import type { StageBase, StageOptions } from '../stage.js';
import { checkFunction } from '../validate.js';
import { closeAfterFailure, openReader } from './reader.js';

/**
 * Call `fn` for each item, awaiting it when it returns a promise, and resolve when the
 * stream ends. Unlike `for await`, no error is lost (C5): if `fn` throws and closing the
 * source then fails too, the promise rejects with a `SuppressedError` whose `error` is
 * the close error and `suppressed` the error from `fn`. The source is closed on every
 * early stop, and `options.signal` aborts (rejecting with `signal.reason`).
 *
 * @param source - Any source.
 * @param fn - `(value, index) => unknown`, sync or async.
 * @param options - `signal` to abort, `closeTimeout` for the close deadline in ms.
 * @returns A promise that resolves when every item was handled.
 * @throws TypeError at the call when `source` is not iterable or `fn` is not a function.
 * @example
 * ```ts
 * import { forEach } from 'iterscope';
 *
 * async function* lines() { yield 'a'; yield 'b'; }
 * await forEach(lines(), (line, i) => console.log(i, line)); // 0 a, 1 b
 * ```
 */
export function forEach<T>(
  source: Source<T>,
  fn: (value: T, index: number) => unknown,
  options?: StageOptions,
): Promise<void> {
  checkFunction('forEach', 'fn', fn);
  return run(openReader('forEach', source, options), fn);
}

async function run<T>(reader: StageBase<T, T>, fn: (value: T, index: number) => unknown): Promise<void> {
  let index = 0;
  for (;;) {
    const result = await reader.next();
    if (result.done === true) return;
    try {
      const done = fn(result.value, index++);
      if (isThenable(done)) await done;
    } catch (error) {
      await closeAfterFailure(reader, error);
    }
  }
}
