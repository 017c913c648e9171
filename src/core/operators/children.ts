/**
 * The base of the stages that read several sources (merge, zip, race, concat, buffered,
 * flatMap): each source is an {@link Input} (opening, adopting, closing once, the result
 * check and the safety net's weak hold live there, the same as for single-source stages),
 * and {@link closeAll} closes a set of them the one way the contract allows: concurrently,
 * all awaited up to the deadline, errors as one `AggregateError` (C4, C5).
 */
import { aggregate, NO_ERROR } from '../errors.js';
import type { Exit } from '../exit.js';
import { Input, type InputSink } from '../input.js';
import { StageBase, type StageOptions } from '../stage.js';
import { classify, type Classified } from '../source.js';

/**
 * C4/C5: close every open input concurrently and wait for all of them (each up to the
 * deadline). One failure is itself; several become one `AggregateError`, in the order
 * the inputs were given.
 */
export function closeAll(
  inputs: Iterable<Input<unknown>>,
  exit: Exit,
  deadlineAt: number,
  stageName: string,
): Promise<unknown> | typeof NO_ERROR {
  let closing: Promise<unknown>[] | undefined;
  for (const input of inputs) {
    const one = input.close(exit, deadlineAt);
    if (one !== NO_ERROR) (closing ??= []).push(one);
  }
  if (closing === undefined) return NO_ERROR;
  return Promise.all(closing).then((errors) => aggregate(errors, `${stageName}: several sources failed to close.`));
}

/**
 * A stage that reads its sources through inputs of its own: `pull()` and the sink
 * methods are the subclass's; the base's single-source path is never used.
 */
export abstract class InputsStage<Out, In> extends StageBase<Out, never> {
  constructor(name: string, options: StageOptions | undefined) {
    super(name, undefined, { ...options, ownInputs: true });
  }

  /**
   * Inputs made before the stage was first read (its sources given at the call): an
   * owner's signal, inherited later, is passed on to them (C3). Inputs made once the stage
   * runs get the signal when they are made. Dropped once passed on.
   */
  private early: Input<In>[] | undefined = [];

  /** A new input reading `classified`; its reads answer to `sink` (none: read by hand). */
  protected inputOf(classified: Classified, index: number, sink: InputSink<In> | undefined): Input<In> {
    const input = new Input<In>(this.host, classified, index, sink, { signal: this.sourceSignal, what: 'a source' });
    if (this.early !== undefined && !this.isOpen) this.early.push(input);
    return input;
  }

  protected override passSignalDown(signal: AbortSignal): void {
    for (const input of this.early ?? []) input.inherit(signal);
    this.early = undefined;
  }
}

/**
 * The base of the stages that read several sources side by side (merge, zip, race,
 * concat): one {@link Input} per source, closed together (C4).
 * Subclasses read through `pull()` and answer in `inputResult`/`inputError`.
 */
export abstract class SiblingsStage<Out, In> extends InputsStage<Out, In> implements InputSink<In> {
  protected readonly children: Input<In>[];

  constructor(name: string, sources: readonly Classified[]) {
    super(name, undefined);
    this.children = sources.map((c, i) => this.inputOf(c, i, this));
  }

  abstract inputResult(input: Input<In>, result: IteratorResult<In>): void;

  /** A source's read failed: that source is finished (C1), the stage stops with the error. */
  inputError(child: Input<In>, error: unknown): void {
    if (!this.isOpen) {
      this.lateError(error); // C5: a sibling failed after the stage stopped: reported, not lost
      return;
    }
    this.sourceFailed(error, child.iterator);
  }

  // C4/C5: every open source closed concurrently, all awaited, errors aggregated.
  protected override closeChildren(exit: Exit, deadlineAt: number): ReturnType<typeof closeAll> {
    return closeAll(this.children, exit, deadlineAt, this.stageName);
  }
}

/**
 * C10: classify every source at the call; a bad one is a TypeError naming its position
 * (`merge: sources[1]: ...`).
 */
export function classifyAll(where: string, sources: readonly unknown[]): Classified[] {
  // Always an array: every caller takes its sources as rest parameters.
  return sources.map((source, i) => classify(`${where}: sources[${String(i)}]`, source));
}
