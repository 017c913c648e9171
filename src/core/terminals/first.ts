import type { Source } from '../source.js';
import type { StageBase, StageOptions } from '../stage.js';
import { closeEarly, openReader } from './reader.js';

/**
 * Read the first item and close the source (C1), like `break` after one turn of
 * `for await`: the promise resolves once the source has finished closing, and a close
 * error rejects it. Resolves `undefined` for an empty stream. `options.signal` aborts
 * (rejecting with `signal.reason`).
 *
 * @param source - Any source.
 * @param options - `signal` to abort, `closeTimeout` for the close deadline in ms.
 * @returns The first item, or `undefined` when there is none.
 * @throws TypeError at the call when `source` is not iterable or an option is wrong.
 * @example
 * ```ts
 * import { first } from 'iterscope';
 *
 * async function* forever() { let i = 0; while (true) yield i++; }
 * console.log(await first(forever())); // 0, and forever() is closed
 * ```
 */
export function first<T>(source: Source<T>, options?: StageOptions): Promise<T | undefined> {
  return run(openReader('first', source, options));
}

async function run<T>(reader: StageBase<T, T>): Promise<T | undefined> {
  const result = await reader.next();
  if (result.done === true) return undefined;
  await closeEarly(reader);
  return result.value;
}
