/**
 * Fusion: `pipe(source, map(f), filter(g), map(h))` runs as one stage whose step calls
 * f, g and h in turn, instead of three stages that each pass every item through a promise.
 * The fused stage is a StageBase like any other, so it keeps the whole contract (closing,
 * abort, deadlines, the safety net); what disappears is only the hand-off between stages
 * that nobody else can see: `pipe` creates them and never hands them out.
 *
 * Only per-item operators without options (no signal, no closeTimeout of their own) are
 * fused; everything else runs as its own stage.
 */
import type { Source } from '../source.js';
import { isThenable } from '../source.js';
import { SKIP, STOP, StageBase, type Stage } from '../stage.js';

/** A per-item step: the output, SKIP, STOP, or a promise of one of those. */
export type FusedStep = (value: unknown) => unknown;

/** What a fusable operator carries: its name and a factory for one stage's step state. */
export interface FusePart {
  readonly name: string;
  readonly makeStep: () => FusedStep;
}

/** @internal */
export const kFuse = Symbol('iterscope.fuse');

/** Mark `operator` as fusable with `part` (only when it has no options of its own). */
export function fusable<F extends object>(operator: F, part: FusePart): F {
  (operator as { [kFuse]?: FusePart })[kFuse] = part;
  return operator;
}

/** The fuse part of an operator, if it has one. */
export function fusePart(operator: unknown): FusePart | undefined {
  return typeof operator === 'function' ? (operator as { [kFuse]?: FusePart })[kFuse] : undefined;
}

class FusedStage extends StageBase<unknown> {
  private readonly steps: FusedStep[];

  constructor(source: Source<unknown>, parts: readonly FusePart[]) {
    // Named after the first operator: it is the one a bad source was passed to (C10).
    super(parts[0]?.name ?? 'pipe', source, undefined);
    this.steps = parts.map((p) => p.makeStep());
  }

  // StepResult<unknown> and its promise are both `unknown` to the checker.
  protected step(value: unknown): unknown {
    return this.run(value, 0);
  }

  private run(value: unknown, from: number): unknown {
    const steps = this.steps;
    for (let i = from; i < steps.length; i++) {
      const step = steps[i];
      if (step === undefined) break;
      const out = step(value);
      if (out === SKIP || out === STOP) return out;
      if (isThenable(out)) {
        const next = i + 1;
        return Promise.resolve(out).then((settled) =>
          settled === SKIP || settled === STOP ? settled : this.run(settled, next),
        );
      }
      value = out;
    }
    return value;
  }
}

/** One stage for several consecutive fusable operators. */
export function fuse(source: unknown, parts: readonly FusePart[]): Stage<unknown> {
  return new FusedStage(source as Source<unknown>, parts);
}
