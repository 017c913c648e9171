/**
 * The shared event log of one scenario: every instrumented source and stage writes to it,
 * so the order of opens, calls and cleanups across all of them can be checked afterwards.
 */

/**
 * What an instrumented node saw or did. `open`: it was opened; `next`/`return`/`throw`:
 * it received that call; `yield`/`done`/`reject`: how a `next()` settled; `park`/`release`:
 * a step parked and was released; `cleanup-start`/`cleanup-end`/`cleanup-error`: its
 * cleanup; `return-settled`: the promise its `return()` returned settled; `signal-abort`:
 * the signal it was given fired.
 *
 * @example
 * ```ts
 * import type { EventType } from 'iterscope/testing';
 * const type: EventType = 'cleanup-end';
 * console.log(type);
 * ```
 */
export type EventType =
  | 'open'
  | 'next'
  | 'return'
  | 'throw'
  | 'yield'
  | 'done'
  | 'reject'
  | 'park'
  | 'release'
  | 'cleanup-start'
  | 'cleanup-end'
  | 'cleanup-error'
  | 'return-settled'
  | 'signal-abort';

/**
 * One entry of a {@link Timeline}.
 *
 * @example
 * ```ts
 * import { Timeline, type TimelineEvent } from 'iterscope/testing';
 * const timeline = new Timeline();
 * timeline.record(timeline.node('source#0', 'source'), 'open');
 * const first: TimelineEvent | undefined = timeline.events[0];
 * console.log(first?.type); // 'open'
 * ```
 */
export interface TimelineEvent {
  /** Position in the log: events are totally ordered by it. */
  readonly seq: number;
  /** The harness's microtask clock when the event happened (0 outside the harness). */
  readonly tick: number;
  /** The node's id (`source#0`, `withCleanup#2`, ...). */
  readonly node: string;
  /** What happened. */
  readonly type: EventType;
}

/**
 * What the harness knows about one instrumented source or stage. It never references the
 * source or stage itself, so recording cannot keep an abandoned stage alive.
 *
 * @example
 * ```ts
 * import { probe } from 'iterscope/testing';
 * import { aclosing } from 'iterscope';
 *
 * const p = probe({ items: 3 });
 * const stage = aclosing(p.source);
 * await stage.next();
 * await stage.return();
 * console.log(p.record.returnCalls); // 1
 * ```
 */
export interface NodeRecord {
  /** Unique within its timeline: `source#0`, `gen#3`, `withCleanup#1`. */
  readonly id: string;
  /** `source`: an instrumented source (probe); `stage`: an instrumented stage. */
  readonly kind: 'source' | 'stage';
  /** The nodes this one reads from: they must finish closing before its cleanup starts (C4). */
  children: NodeRecord[];
  /** True once opened (a source's iterator created; a stage created or its body started). */
  opened: boolean;
  /** How it finished on its own: `done` or `error` (its `next()` rejected). */
  finished: 'done' | 'error' | undefined;
  /** How many `next()` calls it received. */
  nextCalls: number;
  /** How many `return()` calls it received (C1: at most one, none after finishing). */
  returnCalls: number;
  /** How many `throw()` calls it received. */
  throwCalls: number;
  /** `next()` calls received after `return()` was called. */
  readsAfterClose: number;
  /** `return()` calls received after it had finished on its own. */
  closesAfterFinish: number;
  /** How many times its cleanup ran (stages: must be exactly once). */
  cleanupRuns: number;
  /** `seq` of the event where its close began (`return()` received, or cleanup started). */
  closeStartSeq: number | undefined;
  /** `seq` of the event where its close ended (`return()` settled, or cleanup finished). */
  closeEndSeq: number | undefined;
  /** The reason of the abort signal it was given, if that signal fired. */
  signalReason: unknown;
  /** `seq` of the event where that signal fired. */
  signalAbortSeq: number | undefined;
  /**
   * True when a step of it parked, was let go of when the consumer dropped the stream
   * (`abandon-parked`), and was collected: it will never end, so a close that waits on
   * it never finishes either (an async generator's `return()` queues behind it).
   */
  upstreamGone: boolean;
  /**
   * True for an `async function*` stage (it takes no signal and passes none on) and for
   * the owner of a borrowed stream (it closes what it lent itself): an abort reaches
   * what is below it only as a close (C3: an `AbortError`, not the reason).
   */
  blocksSignal: boolean;
  /** True for the cleanup of a borrow's owner: it is what closes the nodes below it. */
  lends: boolean;
  /** True when it was given a signal. */
  gotSignal: boolean;
  /** Every error it threw (from `next()`, `return()`, a callback or a cleanup). */
  readonly thrown: unknown[];
  /** Steps currently parked (waiting for the harness or a later tick). */
  parked: number;
}

/**
 * A step parked by a probe: a promise the harness can release. When it was told to
 * honour a signal, aborting it rejects the park with `signal.reason`.
 */
interface Park {
  readonly node: NodeRecord;
  readonly release: () => void;
}

/**
 * The event log and microtask clock shared by every instrumented node of a scenario.
 * `checkContract` makes one per scenario; make your own to use {@link probe} by hand.
 *
 * @example
 * ```ts
 * import { Timeline, probe } from 'iterscope/testing';
 * import { aclosing } from 'iterscope';
 *
 * const timeline = new Timeline();
 * const a = probe({ items: 2 }, { timeline });
 * for await (const x of aclosing(a.source)) console.log(x); // 0, 1
 * console.log(timeline.events.map((e) => `${e.node} ${e.type}`).join('\n'));
 * ```
 */
export class Timeline {
  /** The microtask clock; the harness advances it, one per tick. */
  tick = 0;
  /** Every event, in order. */
  readonly events: TimelineEvent[] = [];
  /** Every node created on this timeline, in creation order. */
  readonly nodes: NodeRecord[] = [];
  /** Errors a stage handled on purpose (see `StageContext.handled`): not lost. */
  readonly handled = new Set<unknown>();
  readonly #parks = new Set<Park>();
  /** Set by `end`: parks end at once. */
  #ended = false;
  /** Parks let go of by {@link Timeline.abandonParks}: held weakly, with their nodes. */
  readonly #gone = new Map<WeakRef<Park>, NodeRecord>();

  /**
   * Create the record of a new node. `name` gets a suffix that makes the id unique in this timeline.
   *
   * @param name - `source`, `gen`, `withCleanup`, ...
   * @param kind - `source` or `stage`.
   * @returns The new record (also in {@link Timeline.nodes}).
   */
  node(name: string, kind: 'source' | 'stage'): NodeRecord {
    const record: NodeRecord = {
      id: `${name}#${String(this.nodes.length)}`,
      kind,
      children: [],
      opened: false,
      finished: undefined,
      nextCalls: 0,
      returnCalls: 0,
      throwCalls: 0,
      readsAfterClose: 0,
      closesAfterFinish: 0,
      cleanupRuns: 0,
      closeStartSeq: undefined,
      closeEndSeq: undefined,
      signalReason: undefined,
      signalAbortSeq: undefined,
      upstreamGone: false,
      blocksSignal: false,
      lends: false,
      gotSignal: false,
      thrown: [],
      parked: 0,
    };
    this.nodes.push(record);
    return record;
  }

  /**
   * Append an event and return its `seq`.
   *
   * @param node - The node it happened to.
   * @param type - What happened.
   * @returns The event's position in the log.
   */
  record(node: NodeRecord, type: EventType): number {
    const seq = this.events.length;
    this.events.push({ seq, tick: this.tick, node: node.id, type });
    return seq;
  }

  /** The next `seq` to be handed out: every event so far has a smaller one. */
  get now(): number {
    return this.events.length;
  }

  /** How many steps are parked waiting for {@link Timeline.releaseAll}. */
  get parkedCount(): number {
    return this.#parks.size;
  }

  /**
   * Park a step of `node` until the harness releases it (or `forTicks` ticks pass). With
   * a signal, an abort rejects the park with `signal.reason` (the node honours it).
   *
   * @param node - The node whose step parks.
   * @param forTicks - Settle on its own after this many ticks; `undefined`: only when released.
   * @param signal - A signal the node honours, if any.
   * @returns A promise that resolves when the park ends.
   */
  park(node: NodeRecord, forTicks: number | undefined, signal: AbortSignal | undefined): Promise<void> {
    // The scenario is over: nobody is left to release a park (see `end`).
    if (this.#ended) return Promise.resolve();
    this.record(node, 'park');
    node.parked++;
    return new Promise<void>((resolve, reject) => {
      let ended = false;
      const end = (error?: { reason: unknown }): void => {
        if (ended) return;
        ended = true;
        this.#parks.delete(park);
        signal?.removeEventListener('abort', onAbort);
        node.parked--;
        this.record(node, 'release');
        if (error === undefined) resolve();
        else reject(error.reason);
      };
      const park: Park = { node, release: () => { end(); } };
      const onAbort = (): void => {
        end({ reason: signal?.reason });
      };
      this.#parks.add(park);
      if (signal !== undefined) {
        if (signal.aborted) {
          queueMicrotask(onAbort);
        } else {
          signal.addEventListener('abort', onAbort, { once: true });
        }
      }
      if (forTicks !== undefined) {
        void (async () => {
          for (let i = 0; i < forTicks; i++) await Promise.resolve();
          end();
        })();
      }
    });
  }

  /**
   * Let go of every parked step, as if each one's upstream went away (a dead socket): the
   * parks stay pending and are held only weakly from now on, so whatever waits on them
   * alone can be collected (C7: an abandoned stage parked on a dead upstream must be
   * found by the safety net). What is still alive later is released by `releaseAll()`.
   *
   * @returns How many parks were let go of.
   */
  abandonParks(): number {
    const count = this.#parks.size;
    for (const park of this.#parks) this.#gone.set(new WeakRef(park), park.node);
    this.#parks.clear();
    return count;
  }

  /**
   * The scenario is over and its verdict taken: what is still parked is released, and every
   * later step that would park goes on at once, unrecorded. A source can still be asked to
   * close after that (the safety net closing an abandoned stage when the collector runs,
   * a close that waited on another), and one parked before may still be alive: with nobody
   * left to release it, its close would run into the stage's close deadline seconds later
   * and be reported as a straggler in whatever runs then (another scenario, another test).
   * `checkContract` and `checkScenario` call it for each scenario; call it yourself when you
   * drive probes by hand and are done with them.
   *
   * @example
   * ```ts
   * import { aclosing } from 'iterscope';
   * import { Timeline, probe } from 'iterscope/testing';
   *
   * const timeline = new Timeline();
   * const parked = probe({ items: 2, returnParks: true }, { timeline });
   * const stage = aclosing(parked.source);
   * await stage.next();
   * const closing = stage.return(); // the source's return() parks
   * timeline.end(); // released: the close finishes now, not at its deadline
   * await closing;
   * const later = aclosing(probe({ items: 1, returnParks: true }, { timeline }).source);
   * await later.next();
   * await later.return(); // parks no more: goes on at once
   * console.log(parked.record.returnCalls); // 1
   * ```
   */
  end(): void {
    this.#ended = true;
    this.releaseAll();
  }

  /**
   * Release every parked step, oldest first.
   *
   * @returns How many were released.
   */
  releaseAll(): number {
    const parks = [...this.#parks];
    for (const [ref, node] of this.#gone) {
      const park = ref.deref();
      // Collected: nothing was left waiting on it, and it can never end (C7).
      if (park === undefined) node.upstreamGone = true;
      else parks.push(park);
    }
    this.#gone.clear();
    for (const park of parks) park.release();
    return parks.length;
  }
}
