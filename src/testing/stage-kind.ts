/**
 * Stage kinds: the building blocks generated pipelines are made of. iterscope's own
 * operators, a plain `async function*` stage as users write them, and any kind the caller
 * passes in, all with the same shape.
 */
import type { Exit } from 'iterscope';
import { instrumentGenerator, type ProbeSource } from './probe.js';
import { ProbeError } from './probe-error.js';
import { ticks } from './ticks.js';
import type { NodeRecord, Timeline } from './timeline.js';

/**
 * What a stage kind reads: the source below it (a probe or the stage below).
 *
 * @example
 * ```ts
 * import type { PipelineSource } from 'iterscope/testing';
 * const source: PipelineSource = [1, 2, 3];
 * console.log(source);
 * ```
 */
export type PipelineSource = AsyncIterable<unknown> | AsyncIterator<unknown> | ProbeSource;

/**
 * What a stage kind gets to build one stage.
 *
 * @example
 * ```ts
 * import { pipe, take } from 'iterscope';
 * import type { StageContext } from 'iterscope/testing';
 * const build = (source: AsyncIterable<unknown>, context: StageContext) =>
 *   pipe(source, take(context.variant % 4, context.options));
 * console.log(typeof build);
 * ```
 */
export interface StageContext {
  /** A number from 0 to 15: pick the stage's parameters from it. */
  readonly variant: number;
  /** The scenario's signal. */
  readonly signal: AbortSignal;
  /** `{ signal }` when this stage is meant to take the signal, else `undefined`: pass it to the operator. */
  readonly options:
    | {
        /** The scenario's signal. */
        readonly signal: AbortSignal;
      }
    | undefined;
  /** Another instrumented source from the scenario's pool (siblings for merge, inners for flatMap). */
  readonly probe: () => ProbeSource;
  /**
   * An instrumented cleanup for `withCleanup`-like stages: records when it starts and
   * ends (C4 checks it runs after every source below closed), takes `ticks` ticks, and
   * throws a tracked error when `throws`. `owner`: the cleanup closes what is below itself
   * (the owner of a `borrow`), so an abort reaches what is below as a close (an
   * `AbortError`), not with the abort's reason.
   */
  readonly cleanup: (
    name: string,
    behaviour?: { readonly ticks?: number; readonly throws?: boolean; readonly owner?: boolean },
  ) => (exit: Exit) => unknown;
  /**
   * Record a user `async function*` stage: pass the generator object it returned and
   * call `started()` first thing in its body and `cleanup()` in its `finally`.
   */
  readonly generator: <T>(name: string, make: (hooks: GeneratorHooks) => AsyncGenerator<T>) => AsyncGenerator<T>;
  /** A tracked error for a callback to throw (the harness follows it to the consumer, C5). */
  readonly error: (where: string, step: number) => ProbeError;
  /**
   * Mark an error the stage handles on purpose (a `retry` that reopens its source, a
   * `catchError` that recovers): `no-error-lost` counts it as surfaced. Call it from the
   * handler, with the error it received; errors that are not marked must still reach the
   * consumer or `onReport`.
   */
  readonly handled: (error: unknown) => void;
}

/**
 * Hooks a recorded `async function*` stage calls from its body.
 *
 * @example
 * ```ts
 * import type { GeneratorHooks } from 'iterscope/testing';
 * async function* passThrough(source: AsyncIterable<unknown>, hooks: GeneratorHooks) {
 *   hooks.started();
 *   try { yield* source; } finally { await hooks.cleanup(); }
 * }
 * console.log(typeof passThrough);
 * ```
 */
export interface GeneratorHooks {
  /** Call first thing in the body: the stage is open. */
  readonly started: () => void;
  /** Call in `finally`: records the cleanup's start and end. */
  readonly cleanup: () => Promise<void>;
}

/**
 * A kind of stage generated pipelines can contain.
 *
 * @example
 * ```ts
 * import { pipe, map } from 'iterscope';
 * import { stageKind } from 'iterscope/testing';
 *
 * const double = stageKind('double', (source, { options }) =>
 *   pipe(source as AsyncIterable<number>, map((x: number) => x * 2, options)));
 * console.log(double.name, double.keepsContract); // 'double' true
 * ```
 */
export interface StageKind {
  /** Its name in scenarios and reports. */
  readonly name: string;
  /**
   * True when what it builds keeps the contract at its own boundary (an iterscope stage).
   * A pipeline whose outermost stage does not is wrapped in `aclosing`.
   */
  readonly keepsContract: boolean;
  /**
   * True when it passes `context.options` (the signal) to what it builds. A pipeline
   * whose outermost stage does not take the signal gets `abortable(signal)` on top.
   */
  readonly takesSignal: boolean;
  /** Build the stage over `source`. */
  readonly build: (source: PipelineSource, context: StageContext) => AsyncIterable<unknown> | AsyncIterator<unknown>;
}

/**
 * Declare a stage kind.
 *
 * @param name - Its name in reports.
 * @param build - Builds the stage over the source below.
 * @param traits - `keepsContract` (default true) and `takesSignal` (default true).
 * @returns The kind, for `checkPipelines({ stages })`.
 * @example
 * ```ts
 * import { pipe, filter } from 'iterscope';
 * import { stageKind } from 'iterscope/testing';
 * const odd = stageKind('odd', (source, { options }) =>
 *   pipe(source as AsyncIterable<number>, filter((x: number) => x % 2 === 1, options)));
 * console.log(odd.name);
 * ```
 */
export function stageKind(
  name: string,
  build: StageKind['build'],
  traits?: { readonly keepsContract?: boolean; readonly takesSignal?: boolean },
): StageKind {
  if (typeof name !== 'string' || name === '') throw new TypeError('stageKind: expected `name` to be a non-empty string.');
  if (typeof build !== 'function') throw new TypeError('stageKind: expected `build` to be a function.');
  return { name, build, keepsContract: traits?.keepsContract ?? true, takesSignal: traits?.takesSignal ?? true };
}

/** Builds the context of one stage and keeps the C4 parent links between nodes. @internal */
export class PipelineBuilder {
  /** The nodes directly below the stage being built (shared array: late probes join it). */
  below: NodeRecord[];
  readonly #timeline: Timeline;
  readonly #probe: () => ProbeSource;
  readonly #errors: NodeRecord;

  constructor(timeline: Timeline, probe: () => ProbeSource, sources: NodeRecord[]) {
    this.#timeline = timeline;
    this.#probe = probe;
    this.below = sources;
    this.#errors = timeline.node('callbacks', 'stage');
  }

  context(variant: number, signal: AbortSignal, withSignal: boolean): StageContext {
    const timeline = this.#timeline;
    const below = this.below;
    const adopt = (node: NodeRecord): void => {
      node.children = this.below;
      this.below = [node];
    };
    return {
      variant,
      signal,
      options: withSignal ? { signal } : undefined,
      handled: (error) => {
        timeline.handled.add(error);
      },
      probe: () => {
        const before = timeline.nodes.length;
        const source = this.#probe();
        const created = timeline.nodes[before];
        if (created !== undefined) below.push(created);
        return source;
      },
      cleanup: (name, behaviour) => {
        const node = timeline.node(name, 'stage');
        node.opened = true;
        node.blocksSignal = behaviour?.owner === true;
        node.lends = behaviour?.owner === true;
        adopt(node);
        let step = 0;
        return async (_exit: Exit) => {
          node.cleanupRuns++;
          node.closeStartSeq = timeline.record(node, 'cleanup-start');
          await ticks(behaviour?.ticks ?? 0);
          if (behaviour?.throws === true) {
            const error = new ProbeError(node.id, 'cleanup', step++);
            node.thrown.push(error);
            node.closeEndSeq = timeline.record(node, 'cleanup-error');
            throw error;
          }
          node.closeEndSeq = timeline.record(node, 'cleanup-end');
        };
      },
      generator: (name, make) => {
        const node = timeline.node(name, 'stage');
        node.blocksSignal = true;
        adopt(node);
        const hooks: GeneratorHooks = {
          started: () => {
            node.opened = true;
            timeline.record(node, 'open');
          },
          cleanup: async () => {
            node.cleanupRuns++;
            timeline.record(node, 'cleanup-start');
            await ticks(0);
            timeline.record(node, 'cleanup-end');
          },
        };
        return instrumentGenerator(make(hooks), node, timeline);
      },
      error: (where, step) => {
        const error = new ProbeError(this.#errors.id, where, step);
        this.#errors.thrown.push(error);
        return error;
      },
    };
  }
}
