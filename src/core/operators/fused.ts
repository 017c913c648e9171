/**
 * Fusion: `pipe(source, map(f), filter(g), map(h))` runs as one stage whose step calls
 * f, g and h in turn, instead of three stages that each pass every item through a promise.
 * The fused stage is a StageBase like any other, so it keeps the whole contract (closing,
 * abort, deadlines, the safety net); what disappears is only the hand-off between stages
 * that nobody else can see: `pipe` creates them and never hands them out.
 *
 * Only per-item operators without options (no signal, no closeTimeout of their own) are
 * fused (map, filter, tap, scan: step-stage.ts builds their standalone stage from the same
 * step factory); everything else runs as its own stage. A run of them that follows a stage
 * made by an operator marked with `acceptsFusion` (take, withCleanup, traced, ...) runs
 * inside that stage instead of a stage of its own. The steps run as the stage's tail (`StageBase`),
 * after its own step.
 */
import { kAbsorb, PassStage, type Stage, type TailStep } from '../stage.js';

/** A per-item step: the output, SKIP, STOP, or a promise of one of those. */
export type FusedStep = TailStep;

/**
 * A per-item operator written once: its name and a factory for one stage's step (and the
 * state it keeps, like an index). Its standalone stage and its fused step are both made
 * from `makeStep` (step-stage.ts).
 */
export interface FusePart {
  readonly name: string;
  readonly makeStep: () => FusedStep;
}

/** @internal */
export const kFuse = Symbol.for('iterscope.fuse.v1'); // C11: another copy's pipe fuses this operator

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
 * `pipe` may run the option-less per-item steps (map, filter, tap, scan) after it inside that stage.
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
  const steps = parts.map((p) => p.makeStep());
  const names = parts.map((p) => p.name);
  return (stage as { [kAbsorb]: (steps: TailStep[], names: string[]) => boolean })[kAbsorb](steps, names);
}

/** One stage for several consecutive fusable operators. */
export function fuse(source: unknown, parts: readonly FusePart[]): Stage<unknown> {
  // Named after the first operator: it is the one a bad source was passed to (C10).
  const [first, ...rest] = parts;
  // A stage that passes items through; every operator's step runs as its tail, the first
  // one's too.
  const stage = new PassStage<unknown>(first?.name ?? 'pipe', source, undefined);
  if (first !== undefined) {
    stage[kAbsorb]([first.makeStep(), ...rest.map((p) => p.makeStep())], rest.map((p) => p.name));
  }
  return stage;
}
