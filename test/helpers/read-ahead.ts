import { flatMap, pipe, type Stage } from 'iterscope';

/**
 * A stage that fails while nobody reads it: flatMap reads its second outer item ahead
 * (concurrency 2) and its callback throws `error` on it after the first item was handed
 * out, so the stop's outcome waits for the next `next()` (C5).
 */
export function failsReadingAhead(error: unknown): Stage<number> {
  return pipe(
    [1, 2],
    flatMap((x: number) => {
      if (x === 2) throw error;
      return [x];
    }, { concurrency: 2 }),
  );
}
