/**
 * C7: the safety net for abandoned stages. JavaScript never runs an abandoned async
 * generator's `finally`; iterscope registers each of its stages with a FinalizationRegistry
 * and, when one is collected unfinished, runs its synchronous finalizers and reports it.
 *
 * The held value (an {@link AbandonRecord}) must never reference the stage, directly or
 * through a closure that shares the stage's scope: the registry holds it strongly, so such
 * a reference would keep the stage alive forever and nothing would ever be reported.
 */
import { ABANDONED, closeReason, type Exit } from './exit.js';
import { releaseFrames } from './errors.js';
import { report } from './report.js';
import { runtime } from './runtime.js';

/** The record's hold on one foreign source: strong between reads, weak during one. */
export interface SourceHold {
  strong: AsyncIterator<unknown> | undefined;
  readonly weak: WeakRef<AsyncIterator<unknown>>;
}

export interface AbandonRecord {
  /** The stage's name for reports (with the operators fused into it). */
  stage: string;
  /** Where the stage was created, when leak tracking is on. */
  readonly createdAt: string | undefined;
  /** True once the stage finished or began closing: nothing to do on collection. */
  settled: boolean;
  /** True when another iterscope stage reads this one: only the outermost reports a leak. */
  owned: boolean;
  /** True when the stage holds an open source (an iterator it was given or opened). */
  holdsOpen: boolean;
  /**
   * The foreign sources (not iterscope stages) the stage owns, closed (best effort) on
   * abandonment; an iterscope source has its own record. Each is held weakly while a read
   * is in flight (see input.ts).
   */
  sources: Set<SourceHold> | undefined;
  /** C5: errors the stage holds for its consumer; reported if the stage is abandoned. */
  kept: unknown[] | undefined;
  /** True once the safety net ran for this stage. */
  abandoned: boolean;
  /** Sync finalizers: ending a span, releasing a handle. Must not capture the stage. */
  finalizers: ((exit: Exit) => unknown)[] | undefined;
  /**
   * C3: the close signals handed to the stage's sources, aborted when the stage is
   * collected. Held weakly: a strong hold would reach their listeners, a parked read and
   * the stage. One still alive is held by its source, which is what must hear of it; its
   * controller lives as long as it does (see {@link handedSignal}).
   */
  signals: Set<WeakRef<AbortSignal>> | undefined;
}

const registry = new FinalizationRegistry<AbandonRecord>(collected);

/**
 * A handed signal's controller, kept alive exactly as long as the signal is (a WeakMap
 * entry lives while its key does): the source holds the signal, nothing holds the
 * controller once the stage is gone, and the safety net needs it to abort the signal.
 */
const controllers = new WeakMap<AbortSignal, AbortController>();

/** C3/C7: register a close signal handed to a source, for the safety net to abort. @internal */
export function handedSignal(record: AbandonRecord, controller: AbortController): WeakRef<AbortSignal> {
  const ref = new WeakRef(controller.signal);
  controllers.set(controller.signal, controller);
  (record.signals ??= new Set()).add(ref);
  return ref;
}

function collected(record: AbandonRecord): void {
  if (record.settled) return;
  record.settled = true;
  if (record.finalizers !== undefined) {
    for (const finalize of record.finalizers) {
      try {
        const result = finalize(ABANDONED);
        if (result instanceof Promise) {
          result.catch((error: unknown) => {
            report({ type: 'cleanup-error', stage: record.stage, error });
          });
        }
      } catch (error) {
        report({ type: 'cleanup-error', stage: record.stage, error });
      }
    }
  }
  record.abandoned = true;
  const signals = record.signals;
  record.signals = undefined;
  if (signals !== undefined) {
    // C3: abandonment is a stop too: sources that took a signal hear of it first.
    const reason = closeReason(record.stage, ABANDONED);
    for (const ref of signals) {
      const signal = ref.deref();
      if (signal !== undefined) controllers.get(signal)?.abort(reason);
    }
  }
  const kept = record.kept;
  record.kept = undefined;
  if (kept !== undefined) for (const error of kept) report({ type: 'late-error', stage: record.stage, error });
  const sources = record.sources;
  record.sources = undefined;
  if (sources !== undefined) {
    for (const hold of sources) {
      const source = hold.strong ?? hold.weak.deref();
      if (source === undefined || typeof source.return !== 'function') continue;
      // Best effort: a parked async generator queues this behind its pending next().
      try {
        Promise.resolve(source.return()).catch((error: unknown) => {
          report({ type: 'cleanup-error', stage: record.stage, error });
        });
      } catch (error) {
        report({ type: 'cleanup-error', stage: record.stage, error });
      }
    }
  }
  if (!record.owned && record.holdsOpen) {
    report({ type: 'abandoned', stage: record.stage, createdAt: record.createdAt });
  }
}

export function track(stage: object, name: string): AbandonRecord {
  const record: AbandonRecord = {
    stage: name,
    createdAt: runtime.settings.leakTracking ? creationStack() : undefined,
    settled: false,
    owned: false,
    holdsOpen: false,
    sources: undefined,
    kept: undefined,
    abandoned: false,
    finalizers: undefined,
    signals: undefined,
  };
  registry.register(stage, record, record);
  return record;
}

export function untrack(record: AbandonRecord): void {
  if (record.settled) return;
  record.settled = true;
  record.sources = undefined;
  record.kept = undefined;
  record.finalizers = undefined;
  record.signals = undefined;
  registry.unregister(record);
}

/**
 * C5: the stage holds `error` for its consumer, to surface when the stream ends. If the
 * stage is abandoned instead, the safety net reports it, so it is not lost with the stage.
 * Once the stage stops, the error travels with the stop (delivered, attached to the close,
 * or reported as late), and the record lets it go.
 */
export function keep(record: AbandonRecord, error: unknown): void {
  if (record.abandoned) report({ type: 'late-error', stage: record.stage, error });
  else if (!record.settled) {
    // C7: V8 keeps an error's stack frames, each with its `this` (often this very stage),
    // until the stack is read; the record is held strongly by the registry, so an unread
    // stack would keep the stage alive and the safety net would never run. Reading it
    // once turns it into a string.
    releaseFrames(error);
    (record.kept ??= []).push(error);
  }
}

/** The file a stack frame points at (V8's `at f (file:1:2)`, `at file:1:2`, or `f@file:1:2`). */
function frameFile(frame: string): string | undefined {
  return /(?:\(|@|at )([^()@\s]+):\d+:\d+\)?\s*$/.exec(frame)?.[1];
}

/**
 * Where iterscope's own code lives, when that can be known for sure: its sources
 * (`…/src/`, this file being `src/core/abandonment.ts`) or its installed build
 * (`…/node_modules/iterscope/dist/`). Bundled into an application, iterscope shares a file
 * with its user, and no frame is dropped: a guess could drop the user's frames.
 */
const ownCode: string | undefined = (() => {
  const file = frameFile(new Error('where').stack?.split('\n')[1] ?? '');
  if (file === undefined) return undefined;
  const fromSource = /^(.*\/src\/)core\/abandonment\.[cm]?[jt]s$/.exec(file);
  if (fromSource !== null) return fromSource[1];
  return /^(.*\/node_modules\/iterscope\/dist\/)/.exec(file)?.[1];
})();

function creationStack(): string | undefined {
  // The first frames are iterscope's own (this function, the stage constructor, the
  // operator, pipe); the report should start at the user's line that made the stage.
  const frames = new Error('stage created here').stack?.split('\n').slice(2);
  if (frames === undefined) return undefined;
  if (ownCode !== undefined) {
    // Native frames between iterscope's (`Array.forEach` in pipe) have no file: skipped too.
    const firstUserFrame = frames.findIndex((frame) => !(frameFile(frame)?.startsWith(ownCode) ?? true));
    if (firstUserFrame > 0) frames.splice(0, firstUserFrame);
  }
  return frames.join('\n');
}
