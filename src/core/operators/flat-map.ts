import { NO_ERROR, suppress, withoutStack } from '../errors.js';
import { CANCELLED, type Exit } from '../exit.js';
import type { Input, InputSink } from '../input.js';
import type { Operator } from '../operator.js';
import type { DirectReader } from '../protocol.js';
import { classify, type Source } from '../source.js';
import { sourceScopeOf, type SourceScope } from '../source-scope.js';
import type { Stage, StageOptions } from '../stage.js';
import { checkFunction, checkRange, checkStageOptions } from '../validate.js';
import { closeAll, InputsStage } from './children.js';

interface Ready {
  readonly child: Input<unknown>;
  readonly failed: boolean;
  readonly value: unknown;
}

/** @internal */
export class FlatMapStage<T, U> extends InputsStage<U, unknown> implements InputSink<unknown> {
  private readonly outer: Input<unknown>;
  private outerDone = false;
  private readonly inners = new Set<Input<unknown>>();
  private readonly ready: Ready[] = [];
  private wanted = false;
  private index = 0;
  /**
   * C8: the scope the outer source's steps run in (`traced`, `bindContext`): `fn` runs in
   * it, and every input is opened, read and closed in it, so what an inner producer does
   * belongs to the stream it came from, as the traced source's own steps do.
   */
  private readonly scope: SourceScope | undefined;
  /**
   * switchMap: the previous inner's close, while it runs. The next inner opens after it
   * settles; the stage's own close waits for it before closing the outer source (C4).
   */
  private switching: Promise<unknown> | undefined;

  /**
   * `switches`: switchMap. One inner at a time; the outer source is read on while it runs,
   * and its next item closes the inner (C1, the close awaited) before `fn` opens the next.
   */
  constructor(
    source: Source<T>,
    private readonly fn: (value: T, index: number) => Source<U>,
    private readonly concurrency: number,
    options: StageOptions | undefined,
    private readonly switches = false,
  ) {
    const name = switches ? 'switchMap' : 'flatMap';
    const classified = classify(name, source);
    super(name, options);
    this.scope = sourceScopeOf(source);
    this.outer = this.inputOf(classified, -1, this);
  }

  // C8 hooks: every call into a source goes through these (input.ts).
  protected override readSource(source: AsyncIterator<never>, reader?: DirectReader): unknown {
    const scope = this.scope;
    return scope === undefined ? super.readSource(source, reader) : scope.run(() => source.next());
  }
  protected override inSourceContext<A, R>(fn: (arg: A) => R, arg: A): R {
    const scope = this.scope;
    return scope === undefined ? fn(arg) : scope.run(() => fn(arg));
  }

  protected override pull(): void {
    const ready = this.ready.shift();
    if (ready !== undefined) {
      if (ready.failed) this.sourceFailed(ready.value, ready.child.iterator);
      else this.emit(ready.value as U);
      return;
    }
    if (this.outerDone && this.inners.size === 0 && this.switching === undefined) {
      this.finish(false);
      return;
    }
    this.wanted = true;
    // No result waits here (the queue was empty above): every inner not reading is read.
    const signal = this.sourceSignal;
    for (const inner of this.inners) {
      if (!inner.reading) inner.read(signal);
      if (!this.isOpen) return;
    }
    this.readOuter();
  }

  /**
   * Open another inner while there is room for one (concurrency) and someone waits.
   * switchMap reads the outer source beside its inner, except while it switches.
   */
  private readOuter(): void {
    const room = this.switches ? this.switching === undefined : this.inners.size < this.concurrency;
    if (this.wanted && room && !this.outerDone && !this.outer.reading) {
      this.outer.read(this.sourceSignal);
    }
  }

  inputResult(child: Input<unknown>, result: IteratorResult<unknown>): void {
    if (!this.isOpen) return;
    const done = result.done === true;
    if (child === this.outer) {
      if (done) {
        this.outerDone = true;
        this.finishIfDrained();
      } else if (this.switches && this.inners.size > 0) {
        this.switchTo((result as IteratorYieldResult<T>).value);
      } else {
        this.openInner((result as IteratorYieldResult<T>).value);
      }
      return;
    }
    if (!this.inners.has(child)) return; // switchMap: an item from the inner it closed, dropped
    if (done) {
      this.inners.delete(child);
      if (!this.finishIfDrained()) this.readOuter();
      return;
    }
    const value = (result).value;
    if (this.wanted) {
      this.wanted = false;
      this.emit(value as U);
    } else {
      this.ready.push({ child, failed: false, value });
    }
  }

  private openInner(value: T): void {
    let inner: Input<unknown>;
    try {
      const index = this.index++;
      const source = this.inSourceContext(() => this.fn(value, index), undefined);
      inner = this.inputOf(classify('flatMap: the result of `fn`', source), this.index, this);
    } catch (error) {
      // C1: the callback failed: inners and the outer source are closed.
      this.callbackFailed(error);
      return;
    }
    this.inners.add(inner);
    if (this.wanted) {
      inner.read(this.sourceSignal);
      if (this.isOpen) this.readOuter();
    }
  }

  /**
   * switchMap: close the running inner (C1: the stage owns it; C3: its close signal aborts
   * first, so its I/O is cancelled), wait for the close, then open the next inner. Items it
   * had ready are dropped; an error it had ready stays, to be delivered (C5). A close error
   * fails the stage, as any source's error would.
   */
  private switchTo(value: T): void {
    const previous = [...this.inners];
    this.inners.clear();
    this.ready.splice(0, this.ready.length, ...this.ready.filter((r) => r.failed));
    let closing: Promise<unknown> | typeof NO_ERROR = NO_ERROR;
    // C3: an abort that has fired but not reached this stage yet is still the reason.
    const signal = this.sourceSignal;
    const reason: unknown = signal?.aborted === true ? signal.reason : switchReason();
    for (const inner of previous) {
      const one = inner.close(CANCELLED, this.deadline(), reason);
      if (one !== NO_ERROR) closing = one;
    }
    if (closing === NO_ERROR) {
      this.openInner(value);
      return;
    }
    this.switching = closing;
    // C7: held weakly: a previous inner whose close hangs (up to its deadline) must not keep
    // an abandoned stage alive.
    const ref = new WeakRef(this);
    void closing.then((error) => {
      ref.deref()?.switched(closing, value, error);
    });
  }

  /**
   * switchMap: the previous inner's close settled (with `error`, or NO_ERROR). Still
   * `switching` means the stage is open: every stop runs `closeChildren` first, which takes
   * the switch over.
   */
  private switched(closing: Promise<unknown>, value: T, error: unknown): void {
    if (this.switching !== closing) return; // the stage stopped: its close took this one over
    this.switching = undefined;
    if (error !== NO_ERROR) this.callbackFailed(error);
    else this.openInner(value);
  }

  /** Finish if the outer source and every inner are done; true if it did. */
  private finishIfDrained(): boolean {
    if (this.wanted && this.outerDone && this.inners.size === 0 && this.switching === undefined) {
      this.wanted = false;
      this.finish(false);
      return true;
    }
    return false;
  }

  inputError(child: Input<unknown>, error: unknown): void {
    if (!this.isOpen) {
      this.lateError(error); // C5: a sibling failed after the stage stopped: reported, not lost
      return;
    }
    if (child === this.outer) this.outerDone = true;
    else if (!this.inners.delete(child)) {
      this.lateError(error); // switchMap: the inner it closed failed: expected when it is the stop, reported otherwise
      return;
    }
    if (this.wanted) {
      this.wanted = false;
      this.sourceFailed(error, child.iterator);
    } else {
      this.ready.push({ child, failed: true, value: error });
      this.keep(error); // C5: reported if the stream is abandoned before it is read
    }
  }

  /**
   * C4: the inner iterators close first, concurrently and all awaited, then the outer
   * source; errors: several inners as one AggregateError, the outer's attached after (C5).
   */
  protected override closeChildren(exit: Exit, deadlineAt: number): Promise<unknown> | typeof NO_ERROR {
    for (const r of this.ready) if (r.failed) this.lateError(r.value); // C5: never delivered, reported
    this.ready.length = 0;
    const switching = this.switching;
    if (switching !== undefined) {
      // C4: switchMap was closing its previous inner: that close finishes before the outer
      // source closes, and its error is this close's (C5).
      this.switching = undefined;
      return switching.then((switchError) => {
        const rest = this.closeChildren(exit, deadlineAt);
        if (rest === NO_ERROR) return switchError;
        return rest.then((error) => suppress(error, switchError));
      });
    }
    const inners = closeAll(this.inners, exit, deadlineAt, this.stageName);
    if (inners === NO_ERROR) return closeAll([this.outer], exit, deadlineAt, this.stageName);
    return inners.then((innerError) => {
      const outer = closeAll([this.outer], exit, deadlineAt, this.stageName);
      if (outer === NO_ERROR) return innerError;
      return outer.then((outerError) => suppress(outerError, innerError));
    });
  }
}

/** C3: what switchMap's previous inner's close signal aborts with (an `AbortError`: expected, never reported). */
function switchReason(): DOMException {
  return withoutStack(() => new DOMException('iterscope: switchMap closed the previous inner source for the next item', 'AbortError'));
}

/**
 * Options of {@link flatMap}: the stage options plus `concurrency`.
 *
 * @example
 * ```ts
 * import { flatMap, pipe, toArray, type FlatMapOptions } from 'iterscope';
 *
 * const options: FlatMapOptions = { concurrency: 2, closeTimeout: 1_000 };
 * console.log(await toArray(pipe([1, 2], flatMap((n: number) => [n, n * 10], options)))); // [1, 10, 2, 20]
 * ```
 */
export interface FlatMapOptions extends StageOptions {
  /**
   * How many inner sources are read at once. `1` (the default) reads them one after the
   * other, in order; more interleaves their items as they arrive. `Infinity` is allowed.
   */
  readonly concurrency?: number | undefined;
}

/**
 * Map each item to a source and flatten: `fn(value, index)` returns a source (an array, a
 * generator, a stage...) whose items are passed on. With `concurrency` above 1, up to that
 * many inner sources are read at once and their items interleave.
 *
 * Closing goes inside out (C4): on any stop the open inner iterators are closed first,
 * concurrently and all awaited, then the outer source; several inner close errors arrive
 * as one `AggregateError` (C5).
 *
 * @param fn - `(value, index) => source`; it must return the source itself, not a promise.
 * @param options - `concurrency`, `signal` and `closeTimeout`.
 * @returns An operator for {@link pipe}.
 * @throws TypeError at the call when `fn` is not a function; RangeError when `concurrency`
 * is not a whole number from 1 up (or Infinity).
 * @example
 * ```ts
 * import { pipe, flatMap } from 'iterscope';
 *
 * async function* pages(n: number) { yield `${n}a`; yield `${n}b`; }
 * for await (const x of pipe([1, 2], flatMap(pages))) console.log(x); // 1a, 1b, 2a, 2b
 * for await (const x of pipe([1, 2], flatMap(pages, { concurrency: 2 }))) console.log(x); // interleaved
 * ```
 */
export function flatMap<T, U>(fn: (value: T, index: number) => Source<U>, options?: FlatMapOptions): Operator<T, U> {
  checkFunction('flatMap', 'fn', fn);
  checkStageOptions('flatMap', options);
  const concurrency = options?.concurrency ?? 1;
  checkRange('flatMap', 'options.concurrency', concurrency, 'concurrency');
  const stageOptions = options === undefined ? undefined : { signal: options.signal, closeTimeout: options.closeTimeout };
  return (source): Stage<U> => new FlatMapStage<T, U>(source, fn, concurrency, stageOptions);
}
