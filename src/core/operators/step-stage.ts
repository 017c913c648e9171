/**
 * Per-item operators (map, filter, tap, scan, take, takeWhile, drop, dropWhile) written
 * once, as a step factory: the same
 * `makeStep()` gives the step of their standalone stage and the step `pipe` fuses into the
 * stage before them (fused.ts), and both run it through `runStep` (read-loop.ts). A step
 * is data: one function from the item and its index to the output, SKIP, STOP or a promise
 * of one (map passes its callback as it is; filter's and takeWhile's answer a verdict), with any other
 * per-stage state (an accumulator) in the factory's closure, not a class of its own.
 */
import type { Operator } from '../operator.js';
import type { Source } from '../source.js';
import { runStep, StageBase, type StageOptions, type StepResult, type TailStep } from '../stage.js';
import { acceptsFusion, fusable, type FusePart } from './fused.js';

export { tailStep } from '../stage.js';

/**
 * The standalone stage of a per-item operator: the factory's step is the stage's own step,
 * so its failure is the stage's own error (C1: the source is closed; C5: the consumer gets
 * it), as for any operator's callback. Named after the operator (`map`, `filter`, ...) in
 * errors, reports and spans.
 */
class StepStage<T, S> extends StageBase<T, S> {
  private readonly run: TailStep;
  constructor(part: FusePart, source: Source<S>, options: StageOptions | undefined) {
    super(part.name, source, options);
    // take(0): finished before the first read; the source is closed on the first next() (C1).
    this.stopBeforePull = part.endsAtOnce === true;
    // The last item (take): answered, then the next read closes the source instead (C1).
    this.run = part.makeStep(() => {
      this.stopBeforePull = true;
    });
  }
  protected override step(value: S): StepResult<T> | PromiseLike<StepResult<T>> {
    return runStep(this.run, value) as StepResult<T> | PromiseLike<StepResult<T>>;
  }
}

/**
 * The operator for the step factory `part`. With options (a signal or a close deadline of
 * its own) it is always a stage of its own, which may take the fused steps after it; without
 * options `pipe` fuses it with its neighbours, and alone it is that same stage.
 */
export function stepOperator<In, Out>(part: FusePart, options: StageOptions | undefined): Operator<In, Out> {
  const operator: Operator<In, Out> = (source) => new StepStage<Out, In>(part, source, options);
  if (options !== undefined || part.endsAtOnce === true) return acceptsFusion(operator);
  return fusable(operator, part);
}
