import type { Exit } from '../exit.js';
import type { Operator } from '../operator.js';
import type { Source } from '../source.js';
import { StageBase, type StageOptions } from '../stage.js';
import { manyItems, skip, stop, type Many, type Skip, type Stop } from '../step-result.js';
import { isThenable } from '../source.js';
import { checkFunction, checkKnownKeys, checkStageOptions, describe } from '../validate.js';

/**
 * What a {@link defineOperator} `step` answers for one source item: the item to pass on,
 * several ({@link many}), {@link skip}, {@link stop}, or a promise of one of those.
 *
 * @example
 * ```ts
 * import { skip, type StepAnswer } from 'iterscope';
 * const answer: StepAnswer<string> = Promise.resolve(skip);
 * console.log(await answer === skip); // true
 * ```
 */
export type StepAnswer<Out> = Out | Many<Out> | Skip | Stop | PromiseLike<Out | Many<Out> | Skip | Stop>;

/**
 * What a {@link defineOperator} `flush` answers once the source has ended: one more item to
 * pass on, several ({@link many}), {@link stop} when there is nothing more, or a promise of
 * one of those.
 *
 * @example
 * ```ts
 * import { stop, type FlushAnswer } from 'iterscope';
 * const answer: FlushAnswer<number> = stop;
 * console.log(answer === stop); // true
 * ```
 */
export type FlushAnswer<Out> = Out | Many<Out> | Stop | PromiseLike<Out | Many<Out> | Stop>;

/**
 * The hooks of an operator made with {@link defineOperator}. Each one is optional; the
 * stage they run in provides the rest of the contract (closing, abort, deadlines, close
 * signals, the safety net, error reports). They are called as plain functions, not as
 * methods of the hooks object: keep what they share in the state from `start`.
 *
 * @example
 * ```ts
 * import { pipe, defineOperator, skip, stop, type OperatorHooks } from 'iterscope';
 *
 * // Sums runs of positive numbers; passes each sum when a non-positive number or the end comes.
 * const hooks: OperatorHooks<number, number, { sum: number }> = {
 *   start: () => ({ sum: 0 }),
 *   step: (x, _index, state) => {
 *     if (x > 0) { state.sum += x; return skip; }
 *     const sum = state.sum; state.sum = 0; return sum;
 *   },
 *   flush: (state) => { const sum = state.sum; state.sum = 0; return sum > 0 ? sum : stop; },
 * };
 * for await (const x of pipe([1, 2, 0, 3], defineOperator('runs', hooks))) console.log(x); // 3, 3
 * ```
 */
export interface OperatorHooks<In, Out, State> {
  /**
   * Makes the state of one stage. Called once for each stage the operator makes (each
   * time it is applied to a source, so the same operator in two pipelines gives each its
   * own state), synchronously, when the stage is made. If it throws, the source handed in
   * is closed (C1), `cleanup` is not called (there is no state to clean up), and the error
   * is thrown where the operator was applied. Default: the state is `undefined`.
   */
  readonly start?: (() => State) | undefined;
  /**
   * Turns one source item into what the consumer gets: an item, several ({@link many}),
   * {@link skip} (read on), {@link stop} (close the source and finish), or a promise of one
   * of those. `index`
   * counts source items from 0. If it throws or its promise rejects, the source is
   * closed (C1) and the consumer gets the error (C5). Default: the item, unchanged.
   */
  readonly step?: ((value: In, index: number, state: State) => StepAnswer<Out>) | undefined;
  /**
   * Called once the source has reported done, once for each read from then on: one more
   * item to pass (items held back, like a last batch), several ({@link many}), or
   * {@link stop} when there is no more. Not called when the stream stops any other way (`stop` from `step`, an error,
   * the consumer's `break`, an abort): held items are then dropped. Default: finish.
   */
  readonly flush?: ((state: State) => FlushAnswer<Out>) | undefined;
  /**
   * Runs exactly once however the stage ends, after its source finished closing (C4),
   * with the stage's {@link Exit}; may be async (waited for up to the close deadline); an
   * error it throws reaches the consumer, attached to any error already on its way (C5).
   * If the stage is garbage-collected unfinished (C7), the safety net calls it with
   * `{ outcome: 'abandoned' }`: it must then be quick and synchronous, and neither it nor
   * the state may reference the stream, or the stream could never be collected.
   */
  readonly cleanup?: ((exit: Exit, state: State) => unknown) | undefined;
}

const HOOKS = ['start', 'step', 'flush', 'cleanup'] as const;

/** The checked hooks and options one operator call shares between the stages it makes. */
interface Definition<In, Out, State> extends OperatorHooks<In, Out, State> {
  readonly name: string;
  readonly options: StageOptions | undefined;
}

/** The one stage class behind every user operator: hooks plugged into the base's. */
class DefinedStage<In, Out, State> extends StageBase<Out, In> {
  private index = 0;
  private readonly userState: State;
  private readonly definition: Definition<In, Out, State>;

  constructor(source: Source<In>, definition: Definition<In, Out, State>) {
    super(definition.name, source, definition.options);
    this.definition = definition;
    const { start, cleanup } = definition;
    try {
      this.userState = start === undefined ? (undefined as State) : start();
    } catch (error) {
      // C1: the stage already owns an iterator handed in; it is closed, not leaked. The
      // close's own errors are reported by return().
      this.return().catch(ignore);
      throw error;
    }
    if (cleanup !== undefined) {
      this.hasCleanup = true;
      // C7: the safety net calls cleanup on abandonment. The finalizer is made outside
      // this class so it holds the user's function and state, never the stage.
      this.record.finalizers = [finalizer(cleanup, this.userState)];
    }
  }

  protected override step(value: In): Out | Skip | Stop | PromiseLike<Out | Skip | Stop> {
    const step = this.definition.step;
    if (step === undefined) return value as unknown as Out;
    const out = step(value, this.index++, this.userState);
    return isThenable(out) ? Promise.resolve(out).then(this.unpack) : this.unpack(out);
  }

  // The base's flush is synchronous and never skips; an async answer takes the same path
  // as an async step's (a promise of stop finishes), and skip is refused: after the end
  // there is nothing to read on, so it would ask again for ever.
  protected override flush(): Out | Stop {
    const flush = this.definition.flush;
    if (flush === undefined) return stop;
    const out = flush(this.userState);
    if (isThenable(out)) return Promise.resolve(out).then(this.unpackFlushed) as unknown as Out;
    return this.unpackFlushed(out);
  }

  /** Items of a `many` answer not yet read: passed one per read before anything else. */
  private held: readonly unknown[] | undefined;
  private heldAt = 0;

  /** A `many` answer: its first item now, the rest held for the reads to come. */
  private readonly unpack = (out: Out | Many<Out> | Skip | Stop): Out | Skip | Stop => {
    const items = manyItems(out);
    if (items === undefined) return out as Out | Skip | Stop;
    if (items.length === 0) return skip;
    if (items.length > 1) {
      this.held = items;
      this.heldAt = 1;
    }
    return items[0] as Out;
  };

  private readonly unpackFlushed = (out: Out | Many<Out> | Stop): Out | Stop => {
    if ((out as unknown) === skip) {
      throw new TypeError(`${this.stageName}: flush() answered skip; after the end it may answer an item, many or stop.`);
    }
    const unpacked = this.unpack(out);
    // many([]) after the end: nothing more to pass.
    return unpacked === skip ? stop : unpacked;
  };

  /**
   * Held items go first, each through the base's `emit()` (the same answer path, C3's
   * abort-versus-end check included); then the base reads the source, or calls `flush()`
   * once the source has ended. Items held when the stage stops are dropped with it.
   */
  protected override pull(): void {
    const held = this.held;
    if (held === undefined) {
      super.pull();
      return;
    }
    const value = held[this.heldAt++] as Out;
    if (this.heldAt >= held.length) this.held = undefined;
    this.emit(value);
  }

  protected override cleanup(exit: Exit): unknown {
    return this.definition.cleanup?.(exit, this.userState);
  }
}

function ignore(): void {
  // return() has reported what went wrong while closing.
}

/** Module-level, so the finalizer captures the cleanup and the state, never the stage (C7). */
function finalizer<State>(cleanup: (exit: Exit, state: State) => unknown, state: State): (exit: Exit) => unknown {
  return (exit) => cleanup(exit, state);
}

/**
 * Write an operator of your own that keeps the whole closing contract: give the per-item
 * `step`, and if needed `start` (per-stage state), `flush` (items to pass once the source
 * ended) and `cleanup`; the stage they run in closes the source exactly once (C1), settles
 * promptly (C2), honours `options.signal` (C3), runs cleanup after the source closed (C4),
 * loses no error (C5), is disposable (C6) and has the safety net (C7), like every built-in
 * operator, because it is built the same way.
 *
 * Call it inside your operator function, passing its options on: the hooks and options
 * are checked at that call (C10), and every time the returned operator is applied (once
 * per pipeline) it makes a new stage with its own state from `start`.
 *
 * @param name - The operator's name, used in reports and error messages.
 * @param hooks - `start`, `step`, `flush` and `cleanup`; see {@link OperatorHooks}.
 * @param options - `signal` and `closeTimeout`, as for `aclosing`.
 * @returns An operator for {@link pipe}.
 * @throws TypeError / RangeError at the call when `name` is not a non-empty string, a
 * hook is not a function, `hooks` has an unknown key, or an option is wrong.
 * @example
 * ```ts
 * import { pipe, defineOperator, skip, stop, type Operator, type StageOptions } from 'iterscope';
 *
 * // Groups items into arrays of `size`; the last, shorter one comes when the source ends.
 * function chunk<T>(size: number, options?: StageOptions): Operator<T, T[]> {
 *   return defineOperator('chunk', {
 *     start: () => ({ items: [] as T[] }),
 *     step: (x: T, _index, state) => {
 *       state.items.push(x);
 *       if (state.items.length < size) return skip;
 *       const full = state.items; state.items = []; return full;
 *     },
 *     flush: (state) => {
 *       if (state.items.length === 0) return stop;
 *       const last = state.items; state.items = []; return last;
 *     },
 *   }, options);
 * }
 *
 * for await (const rows of pipe([1, 2, 3, 4, 5], chunk(2))) console.log(rows); // [1, 2], [3, 4], [5]
 * ```
 */
export function defineOperator<In, Out = In, State = undefined>(
  name: string,
  hooks: OperatorHooks<In, Out, State>,
  options?: StageOptions,
): Operator<In, Out> {
  if (typeof name !== 'string' || name === '') {
    throw new TypeError(`defineOperator: expected \`name\` to be a non-empty string, got ${describe(name)}.`);
  }
  // Typed as an object; checked all the same, for callers from JavaScript (C10).
  if (typeof hooks !== 'object' || (hooks as unknown) === null) {
    throw new TypeError(`${name}: expected \`hooks\` to be an object, got ${describe(hooks)}.`);
  }
  checkKnownKeys(name, hooks, HOOKS);
  for (const key of HOOKS) {
    if (hooks[key] !== undefined) checkFunction(name, `hooks.${key}`, hooks[key]);
  }
  checkStageOptions(name, options);
  // Copied: a hooks object changed after the call does not change the operator.
  const definition: Definition<In, Out, State> = {
    name,
    options,
    start: hooks.start,
    step: hooks.step,
    flush: hooks.flush,
    cleanup: hooks.cleanup,
  };
  // Not marked `acceptsFusion`: items held from `many` are answered from `pull()`, outside
  // the path where the base runs fused steps, so a map after it runs as a stage of its own.
  return (source: Source<In>) => new DefinedStage(source, definition);
}
