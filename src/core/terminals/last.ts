import type { Source } from '../source.js';
import type { StageBase, StageOptions } from '../stage.js';
import { openReader } from './reader.js';

/**
 * Read the whole stream and resolve its last item, or `undefined` for an empty stream.
 * An abort rejects with `signal.reason` and closes the source (C1, C3).
 *
 * @param source - Any source.
 * @param options - `signal` to abort, `closeTimeout` for the close deadline in ms.
 * @returns The last item, or `undefined`.
 * @throws TypeError at the call when `source` is not iterable or an option is wrong.
 * @example
 * ```ts
 * import { last } from 'iterscope';
 *
 * console.log(await last([1, 2, 3])); // 3
 * ```
 */
export function last<T>(source: Source<T>, options?: StageOptions): Promise<T | undefined> {
  // C10: openReader checks the source and options at the call, not inside a promise.
  return readToEnd(openReader('last', source, options));
}

async function readToEnd<T>(reader: StageBase<T, T>): Promise<T | undefined> {
  let value: T | undefined;
  for (;;) {
    // A rejected next() means the reader already stopped and closed the source (C1).
    const result = await reader.next();
    if (result.done === true) return value;
    value = result.value;
  }
}
