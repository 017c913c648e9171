import type { Exit } from '../exit.js';
import type { Operator } from '../operator.js';
import type { Source } from '../source.js';
import { StageBase, type StageOptions } from '../stage.js';
import { checkFunction, checkStageOptions } from '../validate.js';
import { acceptsFusion } from './fused.js';

class CleanupStage<T> extends StageBase<T, T> {
  private readonly onExit: (exit: Exit) => unknown;
  constructor(source: Source<T>, onExit: (exit: Exit) => unknown, options: StageOptions | undefined) {
    super('withCleanup', source, options);
    this.onExit = onExit;
    this.hasCleanup = true;
    // C7: if the stage is abandoned, the safety net calls onExit({ outcome: 'abandoned' }).
    // The record holds the user's function itself, never a closure over this stage.
    this.record.finalizers = [onExit];
  }
  protected override cleanup(exit: Exit): unknown {
    return this.onExit(exit);
  }
}

/**
 * Run `cleanup(exit)` exactly once however the stream ends, after the source has finished
 * closing (C4), like a `finally` after a `for await`. `exit` says how it ended:
 * `completed`, `error` (with the error), `cancelled`, `aborted` (with the reason), or
 * `abandoned` (the stage was garbage-collected unfinished, C7: then `cleanup` is called
 * by the safety net and should be quick and synchronous).
 *
 * `cleanup` may be async; `return()` waits for it up to the close deadline. If it throws,
 * the error reaches the consumer (attached to any error already on its way, C5).
 * `cleanup` must not reference the stream it cleans up: it is kept for the safety net,
 * and a reference back would keep the stream alive forever.
 *
 * @param cleanup - Called once with the {@link Exit}.
 * @param options - `signal` and `closeTimeout`, as for `aclosing`.
 * @returns An operator for {@link pipe}.
 * @throws TypeError at the call when `cleanup` is not a function.
 * @example
 * ```ts
 * import { pipe, withCleanup } from 'iterscope';
 *
 * const stream = pipe(
 *   [1, 2, 3],
 *   withCleanup((exit) => console.log('ended:', exit.outcome)),
 * );
 * for await (const x of stream) if (x === 2) break; // ended: cancelled
 * ```
 */
export function withCleanup<T>(cleanup: (exit: Exit) => unknown, options?: StageOptions): Operator<T, T> {
  checkFunction('withCleanup', 'cleanup', cleanup);
  checkStageOptions('withCleanup', options);
  return acceptsFusion((source) => new CleanupStage<T>(source, cleanup, options));
}
