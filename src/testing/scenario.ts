/**
 * A scenario is plain data: the sources' behaviours, the pipeline (when one is generated),
 * what the consumer does, and the seed of the jitter. fast-check generates and shrinks it;
 * the same scenario always replays the same interleaving.
 */
import type { ProbeSpec } from './probe.js';

/**
 * One thing the consumer does before it ends.
 *
 * - `next`: call `next()` and wait for it.
 * - `nexts`: call `next()` `count` times at once and wait for all of them.
 * - `pending-next`: call `next()` and go on without waiting (a close may come while it is pending).
 * - `wait`: let `ticks` microtask ticks pass.
 *
 * @example
 * ```ts
 * import type { ConsumerStep } from 'iterscope/testing';
 * const steps: ConsumerStep[] = [{ op: 'next' }, { op: 'pending-next' }, { op: 'wait', ticks: 3 }];
 * console.log(steps.length);
 * ```
 */
export type ConsumerStep =
  | {
      /** Call `next()` and wait for it. */
      readonly op: 'next';
    }
  | {
      /** Call `next()` `count` times at once. */
      readonly op: 'nexts';
      /** How many calls. */
      readonly count: number;
    }
  | {
      /** Call `next()` and go on without waiting. */
      readonly op: 'pending-next';
    }
  | {
      /** Let some microtask ticks pass. */
      readonly op: 'wait';
      /** How many ticks. */
      readonly ticks: number;
    };

/**
 * How the consumer ends, unless the stream ended first:
 *
 * - `drain`: read to the end.
 * - `return`: call `return()` (a `break`), maybe while a `next()` is pending.
 * - `body-throw`: what `for await` does when its body throws: call `return()` and drop its
 *   rejection (so a cleanup error must be reported elsewhere, C5).
 * - `throw`: call `throw(error)` (what `yield*` forwards).
 * - `abandon`: stop calling and drop every reference (C7).
 * - `abandon-parked`: read until a `next()` stays parked on a source, then drop every
 *   reference while it is still parked (the hardest case for a safety net: the parked
 *   source holds the only path back to the stage).
 *
 * @example
 * ```ts
 * import type { ConsumerEnd } from 'iterscope/testing';
 * const end: ConsumerEnd = 'body-throw';
 * console.log(end);
 * ```
 */
export type ConsumerEnd = 'drain' | 'return' | 'body-throw' | 'throw' | 'abandon' | 'abandon-parked';

/**
 * True for the ends that drop the stream without closing it.
 *
 * @param end - How the consumer ends.
 * @returns Whether the stream is abandoned.
 * @example
 * ```ts
 * import { abandons } from 'iterscope/testing';
 * console.log(abandons('abandon-parked'), abandons('return')); // true false
 * ```
 */
export function abandons(end: ConsumerEnd): boolean {
  return end === 'abandon' || end === 'abandon-parked';
}

/**
 * What the consumer does, and when the abort comes.
 *
 * @example
 * ```ts
 * import type { ConsumerScript } from 'iterscope/testing';
 * // Read one item, leave a next() pending, abort at tick 5 with an object as the reason.
 * const script: ConsumerScript = {
 *   steps: [{ op: 'next' }, { op: 'pending-next' }],
 *   end: 'return',
 *   abortAt: 5,
 *   abortReason: 'object',
 * };
 * console.log(script.end);
 * ```
 */
export interface ConsumerScript {
  /** What it does first. */
  readonly steps: readonly ConsumerStep[];
  /** How it ends. */
  readonly end: ConsumerEnd;
  /** The harness's tick at which the signal aborts; left out, no abort. */
  readonly abortAt?: number | undefined;
  /** The abort reason: an `Error` or a plain object (identity must survive either way). */
  readonly abortReason?: 'error' | 'object' | undefined;
}

/**
 * One stage of a generated pipeline: a stage kind's name and a variant number the kind
 * uses to pick its parameters (a count, the item whose callback throws, ...).
 *
 * @example
 * ```ts
 * import type { StageSpec } from 'iterscope/testing';
 * const stage: StageSpec = { kind: 'take', variant: 2 };
 * console.log(stage.kind);
 * ```
 */
export interface StageSpec {
  /** The {@link StageKind.name}. */
  readonly kind: string;
  /** A number from 0 to 15 the kind turns into parameters. */
  readonly variant: number;
}

/**
 * Everything one run depends on.
 *
 * @example
 * ```ts
 * import type { Scenario } from 'iterscope/testing';
 * const scenario: Scenario = {
 *   sources: [{ items: 3, parkAt: 1 }],
 *   stages: [],
 *   consumer: { steps: [{ op: 'pending-next' }], end: 'return' },
 *   seed: 1,
 * };
 * console.log(scenario.sources.length);
 * ```
 */
export interface Scenario {
  /**
   * The sources' behaviours. The first ones are handed to the subject (`sources` in
   * {@link SubjectInput}); the rest are the pool `SubjectInput.probe()` draws from.
   */
  readonly sources: readonly ProbeSpec[];
  /** The generated pipeline, outermost last (empty for `checkContract`). */
  readonly stages: readonly StageSpec[];
  /** What the consumer does. */
  readonly consumer: ConsumerScript;
  /** Seed of the jitter. */
  readonly seed: number;
}

/**
 * What the code under test receives in each scenario.
 *
 * @example
 * ```ts
 * import { aclosing } from 'iterscope';
 * import type { SubjectInput } from 'iterscope/testing';
 * const subject = ({ source, signal }: SubjectInput) => aclosing(source, { signal });
 * console.log(typeof subject);
 * ```
 */
export interface SubjectInput {
  /** The first instrumented source (same as `sources[0]`). */
  readonly source: AsyncIterable<number> | Iterable<number | Promise<number>>;
  /** All the sources asked for with `options.sources`. */
  readonly sources: readonly (AsyncIterable<number> | Iterable<number | Promise<number>>)[];
  /** Aborts at the scenario's abort tick, if any. Pass it on to honour C3. */
  readonly signal: AbortSignal;
  /** Another instrumented source from the scenario's pool (for inner streams: flatMap). */
  readonly probe: () => AsyncIterable<number> | Iterable<number | Promise<number>>;
}

/**
 * The code under test: returns the async iterator (or iterable) the consumer reads.
 *
 * @example
 * ```ts
 * import { pipe, map } from 'iterscope';
 * import type { Subject } from 'iterscope/testing';
 * const subject: Subject = ({ source, signal }) => pipe(source, map((x: number) => x + 1, { signal }));
 * console.log(typeof subject);
 * ```
 */
export type Subject = (input: SubjectInput) => AsyncIterable<unknown> | AsyncIterator<unknown>;
