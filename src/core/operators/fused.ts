/**
 * Fusion: `pipe(source, map(f), filter(g), map(h))` runs as one stage whose step calls
 * f, g and h in turn, instead of three stages that each pass every item through a promise.
 * The fused stage is a StageBase like any other, so it keeps the whole contract (closing,
 * abort, deadlines, the safety net); what disappears is only the hand-off between stages
 * that nobody else can see: `pipe` creates them and never hands them out.
 *
 * Only per-item operators without options (no signal, no closeTimeout of their own) are
 * fused (map, filter, tap, scan, take, takeWhile, drop, dropWhile: step-stage.ts builds
 * their standalone stage from the same step factory); everything else runs as its own
 * stage. A run of them that follows a stage made by an operator marked with
 * `acceptsFusion` (withCleanup, traced, one of these with options, ...) runs inside that
 * stage instead of a stage of its own. The steps run as the stage's tail (read-loop.ts),
 * after its own step. What a step after the stage's own does (STOP, take's last item, a
 * failure) is to the stage what the same from a stage downstream would be: a stop from
 * the consumer's side (cancelled); the first operator of a run `fuse` makes is the
 * stage's own, so it stops it as it would stop its own stage (completed, error).
 */
import { kAbsorb, PassStage, type Stage, type StepMaker } from '../stage.js';

/**
 * A per-item operator written once: its name and a factory for one stage's step (a
 * `TailStep`, which counts the index; other state, like scan's accumulator, in the
 * factory's closure). Its standalone stage and its fused step are both made
 * from `makeStep` (step-stage.ts). The factory gets `end`, to call when the item its step
 * is answering is the last one (take): the stage passes it, then finishes without reading.
 */
export interface FusePart {
  readonly name: string;
  readonly makeStep: StepMaker;
  /**
   * The stream is over before the first read (take(0)): never fused, since as a step it
   * would read one item first.
   */
  readonly endsAtOnce?: boolean;
}

/**
 * @internal C11: another copy's pipe fuses this operator. v2: `makeStep` takes `end`; a
 * v1 pipe would never call it, and would read past take's last item. v3: `makeStep`
 * returns a step as data (read-loop.ts), which a v2 pipe would call as a function.
 */
export const kFuse = Symbol.for('iterscope.fuse.v3');

/** Mark `operator` as fusable with `part` (only when it has no options of its own). */
export function fusable<F extends object>(operator: F, part: FusePart): F {
  (operator as { [kFuse]?: FusePart })[kFuse] = part;
  return operator;
}

/** The fuse part of an operator, if it has one. */
export function fusePart(operator: unknown): FusePart | undefined {
  return typeof operator === 'function' ? (operator as { [kFuse]?: FusePart })[kFuse] : undefined;
}

/** @internal Marks operators whose stage is new at each call and may take fused steps. */
const kFresh = Symbol.for('iterscope.fresh.v1');

/**
 * Mark `operator` as returning a new single-source stage each time it is applied, so that
 * `pipe` may run the option-less per-item steps (map, filter, take, ...) after it inside that stage.
 * @internal
 */
export function acceptsFusion<F extends object>(operator: F): F {
  (operator as { [kFresh]?: true })[kFresh] = true;
  return operator;
}

/** True when `operator` was marked with {@link acceptsFusion}. */
export function isFresh(operator: unknown): boolean {
  return typeof operator === 'function' && (operator as { [kFresh]?: true })[kFresh] === true;
}

/** Give `stage` the steps of `parts` as its tail, if it takes them. */
export function absorb(stage: unknown, parts: readonly FusePart[]): boolean {
  if (typeof stage !== 'object' || stage === null || !(kAbsorb in stage)) return false;
  const makers = parts.map((p) => p.makeStep);
  const names = parts.map((p) => p.name);
  return (stage as { [kAbsorb]: (makers: StepMaker[], names: string[]) => boolean })[kAbsorb](makers, names);
}

/** One stage for several (two or more: `pipe` applies a lone one as it is) consecutive fusable operators. */
export function fuse(source: unknown, parts: readonly [FusePart, ...FusePart[]]): Stage<unknown> {
  // Named after the first operator: it is the one a bad source was passed to (C10).
  const [first, ...rest] = parts;
  // A stage that passes items through; every operator's step runs as its tail, the first
  // one's too. The first one is the stage's own: its stop or failure is the stage's
  // (completed, error), the others' a stop from the consumer's side, as between separate
  // stages.
  const stage = new PassStage<unknown>(first.name, source, undefined);
  stage[kAbsorb](
    parts.map((p) => p.makeStep),
    rest.map((p) => p.name),
    1,
  );
  return stage;
}
