/**
 * Builds a generated pipeline over the scenario's sources. iterscope's promise is made at
 * its boundary: the outermost stage must keep the contract, so a pipeline that ends in a
 * foreign stage (a user `async function*`) is wrapped in `aclosing`, and one whose
 * outermost stage does not take the signal gets `abortable(signal)` on top.
 */
import { abortable, aclosing, type Source } from 'iterscope';
import type { Build } from './run.js';
import { PipelineBuilder, type PipelineSource, type StageKind } from './stage-kind.js';

/** @internal */
export function pipelineBuild(kinds: readonly StageKind[]): Build {
  const byName = new Map(kinds.map((kind) => [kind.name, kind]));
  return (input, { scenario, timeline }) => {
    const sources = timeline.nodes.filter((n) => n.kind === 'source');
    const builder = new PipelineBuilder(timeline, input.probe, [...sources]);
    let current: unknown = input.source;
    let last: StageKind | undefined;
    const stages = scenario.stages;
    stages.forEach((spec, i) => {
      const kind = byName.get(spec.kind);
      if (kind === undefined) throw new TypeError(`unknown stage kind ${JSON.stringify(spec.kind)}`);
      const withSignal = kind.takesSignal && ((spec.variant & 8) !== 0 || i === stages.length - 1);
      current = kind.build(current as PipelineSource, builder.context(spec.variant, input.signal, withSignal));
      last = kind;
    });
    const signal = input.signal;
    if (!last?.keepsContract) return aclosing(current as Source<unknown>, { signal });
    if (!last.takesSignal) return abortable(signal)(current as Source<unknown>);
    return current as AsyncIterable<unknown>;
  };
}
