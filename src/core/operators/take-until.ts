import { NO_ERROR } from '../errors.js';
import type { Exit } from '../exit.js';
import { listenForAbort } from '../abort-listener.js';
import type { Operator } from '../operator.js';
import { classify, isThenable, type Classified, type Source } from '../source.js';
import { StageBase, type StageOptions } from '../stage.js';
import { Input, type InputSink } from '../input.js';
import { checkStageOptions, describe } from '../validate.js';
import { closeAll } from './children.js';

/**
 * What {@link takeUntil} waits for: a signal (its abort), a promise (its settlement) or
 * a source (its first item).
 *
 * @example
 * ```ts
 * import type { Notifier } from 'iterscope';
 * const a: Notifier = AbortSignal.timeout(1_000);
 * const b: Notifier = new Promise<void>((resolve) => setTimeout(resolve, 10));
 * console.log(a instanceof AbortSignal, b instanceof Promise);
 * ```
 */
export type Notifier = AbortSignal | PromiseLike<unknown> | Source<unknown>;

type Kind =
  | { readonly kind: 'signal'; readonly signal: AbortSignal }
  | { readonly kind: 'promise'; readonly promise: PromiseLike<unknown> }
  | { readonly kind: 'source'; readonly classified: Classified };

function isSignal(value: unknown): value is AbortSignal {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as AbortSignal).aborted === 'boolean' &&
    typeof (value as AbortSignal).addEventListener === 'function'
  );
}

/** C10: what the notifier is, decided at the call. */
function kindOf(notifier: unknown): Kind {
  if (isSignal(notifier)) return { kind: 'signal', signal: notifier };
  if (isThenable(notifier)) return { kind: 'promise', promise: notifier };
  try {
    return { kind: 'source', classified: classify('takeUntil', notifier) };
  } catch {
    throw new TypeError(
      `takeUntil: expected \`notifier\` to be an AbortSignal, a promise or an async iterable, got ${describe(notifier)}.`,
    );
  }
}

class TakeUntilStage<T> extends StageBase<T, T> implements InputSink<unknown> {
  private watching = false;
  private unwatch: (() => void) | undefined;
  private notifierChild: Input<unknown> | undefined;

  constructor(
    source: Source<T>,
    private readonly notifier: Kind,
    options: StageOptions | undefined,
  ) {
    super('takeUntil', source, options);
    // C1: a notifier iterator handed in open is owned (and closed) from the start.
    if (notifier.kind === 'source') {
      this.notifierChild = new Input(this.host, notifier.classified, 1, this, { signal: options?.signal, what: 'the notifier' });
    }
  }


  protected override pull(): void {
    if (!this.watching) {
      this.watching = true;
      this.watch();
      if (!this.isOpen) return; // the notifier had already fired
    }
    super.pull();
  }

  /** Start waiting for the notifier, at the first read (nothing is opened before, C1). */
  private watch(): void {
    const notifier = this.notifier;
    if (notifier.kind === 'signal') {
      const signal = notifier.signal;
      if (signal.aborted) {
        this.fired();
        return;
      }
      // C7: held weakly, so a long-lived signal does not keep a dropped stage alive.
      this.unwatch = listenForAbort(signal, this, notifierFired);
    } else if (notifier.kind === 'promise') {
      // A rejected promise fails the stream: the reason the stop was wanted is an error.
      // C7: the reactions hold the stage weakly: a promise that never settles (a shutdown
      // that never comes) must not keep a dropped stage alive.
      const ref = new WeakRef(this);
      Promise.resolve(notifier.promise).then(
        () => {
          ref.deref()?.fired();
        },
        (error: unknown) => {
          ref.deref()?.notifierFailed(error);
        },
      );
    } else {
      this.notifierChild?.read(this.sourceSignal);
    }
  }

  /** The notifier fired: finish as `take` does when its count is reached (C1). @internal */
  fired(): void {
    if (this.isOpen) this.finish(true);
  }

  /** The notifier promise rejected: the stream fails with its reason. @internal */
  notifierFailed(error: unknown): void {
    if (this.isOpen) this.callbackFailed(error);
  }

  inputResult(_input: Input<unknown>, result: IteratorResult<unknown>): void {
    // The notifier's first item stops the stream; a notifier that ends without one never does.
    if (result.done !== true) this.fired();
  }

  inputError(_input: Input<unknown>, error: unknown): void {
    if (this.isOpen) this.callbackFailed(error);
    else this.lateError(error);
  }

  protected override closeChildren(): typeof NO_ERROR {
    this.unwatch?.();
    this.unwatch = undefined;
    return NO_ERROR;
  }

  protected override hasCleanup = true;

  /**
   * C1: the notifier source is closed with the stage, once, after the source. Not before
   * it: the base drops a read that settles while the stage is stopping, so a source that
   * answered done during a slower close of the notifier would then be closed after done.
   */
  protected override cleanup(exit: Exit): Promise<void> | undefined {
    const child = this.notifierChild;
    if (child === undefined) return undefined;
    const closing = closeAll([child], exit, this.deadline(), this.stageName);
    if (closing === NO_ERROR) return undefined;
    return closing.then((error) => {
      if (error !== NO_ERROR) throw error;
    });
  }
}

/**
 * Pass items until `notifier` fires, then finish: the pending `next()` answers done and
 * the source is closed (C1), as when `take` reaches its count. The notifier is an
 * `AbortSignal` (fires on abort; unlike `options.signal`, this ends the stream normally
 * instead of rejecting), a promise (fires when it resolves; a rejection fails the
 * stream), or a source (fires at its first item; it is opened at the first read and
 * closed with the stream).
 *
 * @param notifier - A signal, a promise or a source.
 * @param options - `signal` and `closeTimeout`, as for `aclosing`.
 * @returns An operator for {@link pipe}.
 * @throws TypeError at the call when `notifier` is none of those or an option is wrong.
 * @example
 * ```ts
 * import { pipe, interval, takeUntil, toArray } from 'iterscope';
 *
 * const stop = new Promise((resolve) => setTimeout(resolve, 35));
 * const ticks = await toArray(pipe(interval(10), takeUntil(stop)));
 * console.log(ticks.length > 0); // true: the ticks before the promise resolved
 * ```
 */
export function takeUntil<T>(notifier: Notifier, options?: StageOptions): Operator<T, T> {
  const kind = kindOf(notifier);
  checkStageOptions('takeUntil', options);
  return (source) => new TakeUntilStage<T>(source, kind, options);
}

/** The notifier signal fired (module-level: the listener holds the stage weakly, C7). */
function notifierFired(stage: { fired(): void }): void {
  stage.fired();
}
