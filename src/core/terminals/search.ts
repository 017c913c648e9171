/**
 * What some, every and find share: read until an item satisfies the predicate, then close
 * the source (C1) as `break` would, and wait for the close (a close error rejects).
 */
import { isThenable } from '../source.js';
import type { StageBase } from '../stage.js';
import { closeAfterFailure, closeEarly } from './reader.js';

/** A predicate as the terminals take it. @internal */
export type Predicate<T> = (value: T, index: number) => unknown;

/** The first item `predicate` holds for, or `undefined` when none does. @internal */
export async function search<T>(
  reader: StageBase<T, T>,
  predicate: Predicate<T>,
): Promise<{ readonly value: T } | undefined> {
  let index = 0;
  for (;;) {
    // A rejected next() means the reader already stopped and closed the source (C1).
    const result = await reader.next();
    if (result.done === true) return undefined;
    let hit: unknown;
    try {
      hit = predicate(result.value, index++);
      if (isThenable(hit)) hit = await hit;
    } catch (error) {
      return closeAfterFailure(reader, error); // C1/C5: closed, close error attached
    }
    if (hit) {
      await closeEarly(reader);
      return { value: result.value };
    }
  }
}

/** `predicate` negated, sync or async. @internal */
export function negate<T>(predicate: Predicate<T>): Predicate<T> {
  return (value, index) => {
    const result = predicate(value, index);
    return isThenable(result) ? Promise.resolve(result).then((r) => !r) : !result;
  };
}
