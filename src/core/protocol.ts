/**
 * C11: the protocol between stages. Every key and sentinel that crosses a stage boundary is
 * a registered symbol, so the ESM and the CommonJS copy (or two releases) of iterscope in
 * one process read each other's stages as their own. The `.v1` in each key is the protocol
 * version, as in `@opentelemetry/api`'s global keys: a release that changes the protocol
 * bumps it, and copies on different versions then see each other's stages as foreign
 * iterators (closed with `return()`, which keeps the contract) instead of misreading them.
 */
import { capture, settleByDeadline } from './deadline.js';
import { NO_ERROR } from './errors.js';
import type { Exit } from './exit.js';

/** @internal An owner closes a stage with its own exit and deadline. */
export const kClose = Symbol.for('iterscope.stage.close.v1');
/** @internal An owner tells a stage it reads it (C7) and hands it its signal (C3). */
export const kAdopt = Symbol.for('iterscope.stage.adopt.v1');
/**
 * @internal `pipe` hands a fresh stage the option-less per-item steps (map, filter, take, ...)
 * that follow it. v2: it hands step makers, which the stage calls with an `end` callback (a
 * v1 stage would pass take's last item on and read again). v3: the makers return steps as
 * data (read-loop.ts), which a v2 stage would call as functions.
 */
export const kAbsorb = Symbol.for('iterscope.stage.absorb.v3');
/** @internal C3: asks a source stage whether it ended by an abort with this reason. */
export const kAbortedBy = Symbol.for('iterscope.stage.abortedBy.v1');
/** @internal C3 rule 1: asks a source stage for the nearest signal that aborts it or a stage below it. */
export const kSignalBelow = Symbol.for('iterscope.stage.signalBelow.v1');

/**
 * @internal A stage reading another stage asks it for one item with callbacks (a
 * `DirectReader`) instead of a `next()` promise: no promise per hop between stages (see
 * `StageBase[kRead]`). Part of the v1 protocol: its shape does not change within a version.
 */
export const kRead = Symbol.for('iterscope.stage.read.v1');

/**
 * @internal What a stage's `readSource` returns when it read its source directly (the answer
 * comes through the reader's callbacks, not a promise). Never crosses a copy: the stage and
 * its inputs are one copy's code.
 */
export const READ_DIRECTLY = Symbol('iterscope.readDirectly');

/**
 * @internal One direct read of `source`, an iterscope stage that answers them (see
 * {@link readsDirectly}): the answer comes through `reader`. Returns READ_DIRECTLY, what a
 * stage's `readSource` returns then. A function of its own, not a closure, so that a stage
 * that reads inside a context hands its context manager the same function every time.
 */
export function readDirectly(source: unknown, reader: DirectReader): typeof READ_DIRECTLY {
  (source as Required<InternalStage>)[kRead](reader);
  return READ_DIRECTLY;
}

/**
 * @internal The callbacks of a direct read: one of them is called once (see `kRead`). `item`
 * is `resolve` for an item, without the iterator result made only to be taken apart. The
 * result `resolve` gets may be one frozen object shared by every read (a done): the reader
 * looks at it and never hands it on.
 */
export interface DirectReader {
  item(value: unknown): void;
  resolve(result: IteratorResult<unknown>): void;
  reject(error: unknown): void;
}

/** @internal */
export interface InternalStage {
  [kClose](exit: Exit, deadlineAt: number): Promise<unknown>;
  [kAdopt](signal: AbortSignal | undefined, ownerListens?: boolean): void;
  [kAbortedBy](error: unknown): boolean;
  /** Absent on a copy of an older release. */
  [kSignalBelow]?(): AbortSignal | undefined;
  /** Absent on a copy of an older release: read it through `next()`. */
  [kRead]?(reader: DirectReader): void;
}

/** @internal */
export function isStage(value: unknown): value is InternalStage {
  return typeof value === 'object' && value !== null && kClose in value;
}

/**
 * C1/C2: close one iterator a stage owns and resolve to its error (or NO_ERROR), never
 * later than `deadlineAt` (a `performance.now()` time). An iterscope stage is closed
 * through the internal protocol (it keeps its own deadline and passes the exit down); any
 * other iterator through `return()`, raced against the deadline.
 * @internal
 */
export function closeIterator(
  iterator: AsyncIterator<unknown>,
  exit: Exit,
  deadlineAt: number,
  stageName: string,
): Promise<unknown> | typeof NO_ERROR {
  if (isStage(iterator)) {
    if ((iterator as { [kThisCopy]?: unknown })[kThisCopy] === true) return iterator[kClose](exit, deadlineAt);
    return closeOtherCopy(iterator, exit, deadlineAt);
  }
  if (typeof iterator.return !== 'function') return NO_ERROR;
  return settleByDeadline(
    capture(() => iterator.return?.()),
    deadlineAt,
    stageName,
  );
}

/**
 * @internal Set on the prototype of this copy's stages: their close keeps the protocol (it
 * resolves to the close's error and never throws or rejects), so it is taken as it is.
 * Not registered: another copy's stages do not have it.
 */
export const kThisCopy = Symbol('iterscope.stage.thisCopy');

/**
 * C11: the close of a stage of another copy, held to the protocol: whatever it does, the
 * result is a promise of its error. A close that throws, rejects, or answers its error
 * without a promise (a copy with a bug) fails that one close, never the owner's: the
 * owner's other sources are still closed, in order, and the error is reported (C5).
 */
function closeOtherCopy(stage: InternalStage, exit: Exit, deadlineAt: number): Promise<unknown> {
  let result: unknown;
  try {
    result = stage[kClose](exit, deadlineAt);
  } catch (error) {
    return Promise.resolve(error);
  }
  return Promise.resolve(result).then(undefined, (error: unknown) => error);
}

/**
 * C7/C3: tell an iterscope stage that another stage now owns it (so only the outermost
 * stage reports a leak) and hand it the owner's signal. Foreign iterators are left alone:
 * returns false for them.
 * @internal
 */
export function adoptIterator(
  iterator: AsyncIterator<unknown>,
  signal: AbortSignal | undefined,
  ownerListens = false,
): boolean {
  if (!isStage(iterator)) return false;
  iterator[kAdopt](signal, ownerListens);
  return true;
}

/**
 * C3 rule 1: the nearest signal that aborts `iterator` or a stage below it: the stage's own,
 * else the one of its single source, and so on down the chain. An owner that is answering
 * this source's end listens to it, so an abort that fires before the owner has answered
 * still wins. Undefined for foreign iterators and multi-source stages without a signal.
 * @internal
 */
export function signalBelow(iterator: unknown): AbortSignal | undefined {
  if (!isStage(iterator) || typeof iterator[kSignalBelow] !== 'function') return undefined;
  return iterator[kSignalBelow]();
}

/**
 * True when `iterator` is an iterscope stage that answers direct reads (`kRead`): a stage of
 * this copy or of another copy on the same protocol version (C11). Asked once per source,
 * when it opens.
 * @internal
 */
export function readsDirectly(iterator: unknown): boolean {
  return isStage(iterator) && typeof iterator[kRead] === 'function';
}
