/**
 * Instrumented sources: each records when it was opened, every call it received, when its
 * cleanup started and ended, in one timeline shared with every other node of the scenario,
 * and misbehaves exactly as its spec says.
 */
import { ProbeError } from './probe-error.js';
import { randomSource, ticks } from './ticks.js';
import { Timeline, type NodeRecord } from './timeline.js';

/**
 * How an instrumented source behaves. Steps count `next()` calls from 0; step `items` is
 * the one that reports `done`.
 *
 * @example
 * ```ts
 * import type { ProbeSpec } from 'iterscope/testing';
 * // A hand-written source that yields 0, 1, then parks until released, ignoring signals.
 * const parked: ProbeSpec = { kind: 'async', items: 5, parkAt: 2, signal: 'ignore' };
 * console.log(parked.parkAt);
 * ```
 * @example
 * A source that never ends and fails at its second read with an error the test holds:
 * ```ts
 * import { probe } from 'iterscope/testing';
 * import { pipe, map } from 'iterscope';
 *
 * const failure = new Error('disk gone');
 * const p = probe({ items: Infinity, throwAt: 1, error: failure });
 * try {
 *   for await (const x of pipe(p.source, map((n: number) => n))) console.log(x); // 0
 * } catch (error) {
 *   console.log(error === failure); // true
 * }
 * ```
 */
export interface ProbeSpec {
  /**
   * `async`: a hand-written async iterator; `generator`: a plain `async function*`;
   * `sync`: a sync iterable (its items are promises when jittered or parked). Default `async`.
   */
  readonly kind?: 'async' | 'generator' | 'sync' | undefined;
  /** `iterable`: opened by whoever reads it; `iterator`: handed over already open. Default `iterable`. */
  readonly given?: 'iterable' | 'iterator' | undefined;
  /** How many items it yields before `done`; `Infinity` for a source that never ends on its own. Default 3. */
  readonly items?: number | undefined;
  /** The step whose `next()` parks. */
  readonly parkAt?: number | undefined;
  /** The park ends on its own after this many ticks; left out, it lasts until the harness releases it. */
  readonly parkTicks?: number | undefined;
  /** The step whose `next()` rejects with a {@link ProbeError} (a sync source throws from `next()` or yields a rejected item). */
  readonly throwAt?: number | undefined;
  /**
   * What the `throwAt` step rejects with, when it must be exactly this value (a string, a
   * plain object, an error named `AbortError`, an error your test holds to compare by
   * identity). Left out: a new {@link ProbeError}.
   */
  readonly error?: unknown;
  /** `return()` (or the generator's `finally`) throws a {@link ProbeError}. */
  readonly returnThrows?: boolean | undefined;
  /** What a throwing close (`returnThrows`) throws, when it must be exactly this value. Left out: a new {@link ProbeError}. */
  readonly returnError?: unknown;
  /** Its close takes this many ticks. */
  readonly returnTicks?: number | undefined;
  /** Its close parks until the harness releases it. */
  readonly returnParks?: boolean | undefined;
  /** `honour`: a parked step rejects with `signal.reason` when the signal passed to `[Symbol.asyncIterator](signal)` aborts. Default `ignore`. */
  readonly signal?: 'honour' | 'ignore' | undefined;
  /** Hand-written only: `return()` settles a parked `next()` with `done` at once. */
  readonly settleOnReturn?: boolean | undefined;
  /** Each step waits a random 0 to `jitter` ticks. Default 0. */
  readonly jitter?: number | undefined;
}

/**
 * Where a probe records and draws its jitter from.
 *
 * @example
 * ```ts
 * import { Timeline, probe, type ProbeOptions } from 'iterscope/testing';
 * const options: ProbeOptions = { timeline: new Timeline(), seed: 7 };
 * console.log(probe({ items: 1, jitter: 3 }, options).record.id); // 'source#0'
 * ```
 */
export interface ProbeOptions {
  /** The shared timeline; a new one when left out. */
  readonly timeline?: Timeline | undefined;
  /** Seed for the jitter. Default 1. */
  readonly seed?: number | undefined;
  /** The node name (`source` by default). */
  readonly name?: string | undefined;
}

/**
 * What a probe hands to the code under test: an async iterable (async and generator
 * probes; already an iterator when given open) or a sync iterable of numbers or promises.
 *
 * @example
 * ```ts
 * import { probe, type ProbeSource } from 'iterscope/testing';
 * const source: ProbeSource = probe({ items: 2 }).source;
 * console.log(Symbol.asyncIterator in source); // true
 * ```
 */
export type ProbeSource = AsyncIterable<number> | Iterable<number | Promise<number>>;

/**
 * An instrumented source and its record.
 *
 * @example
 * ```ts
 * import { probe, type Probe } from 'iterscope/testing';
 * const p: Probe = probe({ kind: 'generator', items: 1 });
 * for await (const x of p.source as AsyncIterable<number>) console.log(x); // 0
 * console.log(p.record.finished); // 'done'
 * ```
 */
export interface Probe {
  /** Hand this to the code under test. */
  readonly source: ProbeSource;
  /** What happened to it. */
  readonly record: NodeRecord;
  /** The behaviour it was made with. */
  readonly spec: ProbeSpec;
}

const DONE: IteratorReturnResult<undefined> = Object.freeze({ done: true, value: undefined });

/** Everything a probe implementation needs; never references the probe itself. */
interface ProbeContext {
  readonly record: NodeRecord;
  readonly timeline: Timeline;
  readonly spec: ProbeSpec;
  readonly items: number;
  readonly random: (below: number) => number;
}

/**
 * Make an instrumented source.
 *
 * @param spec - How it behaves.
 * @param options - The timeline to record on and the jitter seed.
 * @returns The source and its record.
 * @example
 * ```ts
 * import { probe } from 'iterscope/testing';
 * import { pipe, map } from 'iterscope';
 *
 * const p = probe({ items: 5 });
 * for await (const x of pipe(p.source, map((n: number) => n * 2))) if (x === 4) break;
 * console.log(p.record.returnCalls, p.record.closeEndSeq !== undefined); // 1 true
 * ```
 */
export function probe(spec: ProbeSpec, options?: ProbeOptions): Probe {
  const timeline = options?.timeline ?? new Timeline();
  const record = timeline.node(options?.name ?? 'source', 'source');
  const context: ProbeContext = {
    record,
    timeline,
    spec,
    items: spec.items ?? 3,
    random: randomSource(options?.seed ?? 1),
  };
  const kind = spec.kind ?? 'async';
  let source: ProbeSource;
  if (kind === 'sync') {
    const iterable = { [Symbol.iterator]: () => openSync(context) };
    source = spec.given === 'iterator' ? openSync(context) : iterable;
  } else {
    const open = kind === 'generator' ? openGenerator : openAsync;
    source = spec.given === 'iterator'
      ? open(context, undefined)
      : { [Symbol.asyncIterator]: (signal?: AbortSignal) => open(context, signal) };
  }
  return { source, record, spec };
}

function markOpen(context: ProbeContext, signal: AbortSignal | undefined): void {
  const { record, timeline } = context;
  if (record.opened) {
    // Opening twice is the reader's bug; the record keeps the first opening.
    timeline.record(record, 'open');
    return;
  }
  record.opened = true;
  timeline.record(record, 'open');
  if (signal !== undefined && typeof signal.addEventListener === 'function') {
    record.gotSignal = true;
    const onAbort = (): void => {
      record.signalReason = signal.reason;
      record.signalAbortSeq = timeline.record(record, 'signal-abort');
    };
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  }
}

function jitter(context: ProbeContext): Promise<void> | undefined {
  const max = context.spec.jitter ?? 0;
  if (max <= 0) return undefined;
  const n = context.random(max + 1);
  return n === 0 ? undefined : ticks(n);
}

function fail(context: ProbeContext, where: 'next' | 'return', step: number): unknown {
  const { spec, record } = context;
  const key = where === 'next' ? 'error' : 'returnError';
  // `in`, not `!== undefined`: a source may be told to throw any value, `undefined` too.
  const error = key in spec ? spec[key] : new ProbeError(record.id, where, step);
  record.thrown.push(error);
  return error;
}

/** The close of a probe: ticks, maybe a park, maybe an error; records start and end. */
async function closeSteps(context: ProbeContext, step: number): Promise<void> {
  const { record, timeline, spec } = context;
  record.cleanupRuns++;
  timeline.record(record, 'cleanup-start');
  await ticks(spec.returnTicks ?? 0);
  if (spec.returnParks === true) await timeline.park(record, undefined, undefined);
  if (spec.returnThrows === true) {
    timeline.record(record, 'cleanup-error');
    throw fail(context, 'return', step);
  }
  timeline.record(record, 'cleanup-end');
}

// ------------------------------------------------------------------ hand-written async

function openAsync(context: ProbeContext, signal: AbortSignal | undefined): AsyncIterator<number> & AsyncIterable<number> {
  markOpen(context, signal);
  return new AsyncProbe(context, signal);
}

class AsyncProbe implements AsyncIterator<number>, AsyncIterable<number> {
  readonly #context: ProbeContext;
  readonly #signal: AbortSignal | undefined;
  #step = 0;
  /** Steps answer in call order, as a real source does. */
  #tail: Promise<unknown> = Promise.resolve();
  /** Set by return(): a parked step waits on this too when `settleOnReturn`. */
  #closed: (() => void) | undefined;
  readonly #closedPromise: Promise<void>;

  constructor(context: ProbeContext, signal: AbortSignal | undefined) {
    this.#context = context;
    this.#signal = context.spec.signal === 'honour' ? signal : undefined;
    this.#closedPromise = new Promise((resolve) => {
      this.#closed = resolve;
    });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  /** The reader now knows the source finished: closing it after this is closing it twice (C1). */
  readonly #delivered = (): void => {
    this.#finishedSeen = this.#context.record.finished !== undefined;
  };
  #finishedSeen = false;

  next(): Promise<IteratorResult<number>> {
    const { record, timeline } = this.#context;
    record.nextCalls++;
    timeline.record(record, 'next');
    if (record.returnCalls > 0) {
      record.readsAfterClose++;
      return Promise.resolve(DONE);
    }
    if (record.finished !== undefined) return Promise.resolve(DONE);
    const step = this.#step++;
    const answer = this.#tail.then(() => this.#answer(step));
    // Registered before the reader's own reaction: once it runs, the reader has the answer.
    this.#tail = answer.then(this.#delivered, this.#delivered);
    return answer;
  }

  async #answer(step: number): Promise<IteratorResult<number>> {
    const context = this.#context;
    const { record, timeline, spec } = context;
    await jitter(context);
    if (step === spec.parkAt && record.returnCalls === 0) {
      const parked = timeline.park(record, spec.parkTicks, this.#signal);
      try {
        await (spec.settleOnReturn === true ? Promise.race([parked, this.#closedPromise]) : parked);
      } catch (reason) {
        // C3: a source that honours the signal rejects its parked step with the reason.
        record.finished = 'error';
        timeline.record(record, 'reject');
        throw reason;
      }
    }
    if (record.returnCalls > 0 || record.finished !== undefined) return DONE; // closed meanwhile
    if (step === spec.throwAt) {
      record.finished = 'error';
      timeline.record(record, 'reject');
      throw fail(context, 'next', step);
    }
    if (step >= context.items) {
      record.finished = 'done';
      timeline.record(record, 'done');
      return DONE;
    }
    timeline.record(record, 'yield');
    return { done: false, value: step };
  }

  return(): Promise<IteratorResult<number>> {
    const context = this.#context;
    const { record, timeline } = context;
    record.returnCalls++;
    const seq = timeline.record(record, 'return');
    if (record.finished !== undefined) {
      // A close that crosses the final answer in flight is legitimate; one after the
      // reader saw it is not.
      if (this.#finishedSeen) record.closesAfterFinish++;
      else record.returnCalls--;
      return Promise.resolve(DONE);
    }
    if (record.returnCalls > 1) return Promise.resolve(DONE);
    record.closeStartSeq = seq;
    this.#closed?.();
    const closing = closeSteps(context, this.#step);
    return closing.then(
      () => {
        record.closeEndSeq = timeline.record(record, 'return-settled');
        return DONE;
      },
      (error: unknown) => {
        record.closeEndSeq = timeline.record(record, 'return-settled');
        throw error;
      },
    );
  }
}

// ------------------------------------------------------------------ async function*

function openGenerator(context: ProbeContext, signal: AbortSignal | undefined): AsyncGenerator<number> {
  markOpen(context, signal);
  const honoured = context.spec.signal === 'honour' ? signal : undefined;
  const generator = probeGenerator(context, honoured);
  return instrumentGenerator(generator, context.record, context.timeline);
}

async function* probeGenerator(context: ProbeContext, signal: AbortSignal | undefined): AsyncGenerator<number, void> {
  const { record, timeline, spec } = context;
  let step = 0;
  let failing: unknown = undefined;
  try {
    for (; ; step++) {
      await jitter(context);
      if (step === spec.parkAt) await timeline.park(record, spec.parkTicks, signal);
      if (step === spec.throwAt) {
        timeline.record(record, 'reject');
        throw (failing = fail(context, 'next', step));
      }
      if (step >= context.items) {
        timeline.record(record, 'done');
        return;
      }
      timeline.record(record, 'yield');
      yield step;
    }
  } finally {
    if (spec.returnThrows === true && failing !== undefined) {
      // A throw in `finally` replaces the body's error: the generator itself drops it.
      record.thrown.splice(record.thrown.indexOf(failing), 1);
    }
    await closeSteps(context, step);
  }
}

/**
 * Record the calls a generator object receives without changing what it is: own methods
 * shadow the prototype's, so it stays a real `async function*` object with the
 * language's queueing (a `return()` waits behind a pending `next()`).
 */
export function instrumentGenerator<T>(generator: AsyncGenerator<T>, record: NodeRecord, timeline: Timeline): AsyncGenerator<T> {
  const proto = Object.getPrototypeOf(generator) as AsyncGenerator<T>;
  let finishedSeen = false;
  const markSeen = (): void => {
    finishedSeen = record.finished !== undefined;
  };
  const next = proto.next.bind(generator);
  const ret = proto.return.bind(generator);
  const thr = proto.throw.bind(generator);
  Object.defineProperties(generator, {
    next: {
      configurable: true,
      writable: true,
      value(value?: unknown) {
        record.nextCalls++;
        timeline.record(record, 'next');
        if (record.returnCalls > 0) record.readsAfterClose++;
        const answer = next(value as undefined).then(
          (result) => {
            if (result.done === true) record.finished ??= 'done';
            return result;
          },
          (error: unknown) => {
            record.finished ??= 'error';
            throw error;
          },
        );
        // Registered before the reader's reaction: from here on the reader knows.
        answer.then(markSeen, markSeen);
        return answer;
      },
    },
    return: {
      configurable: true,
      writable: true,
      value(value?: unknown) {
        record.returnCalls++;
        const seq = timeline.record(record, 'return');
        if (record.finished !== undefined && finishedSeen) record.closesAfterFinish++;
        record.closeStartSeq ??= seq;
        return ret(value as undefined).then(
          (result) => {
            record.closeEndSeq ??= timeline.record(record, 'return-settled');
            return result;
          },
          (error: unknown) => {
            record.closeEndSeq ??= timeline.record(record, 'return-settled');
            throw error;
          },
        );
      },
    },
    throw: {
      configurable: true,
      writable: true,
      value(error?: unknown) {
        record.throwCalls++;
        const seq = timeline.record(record, 'throw');
        record.closeStartSeq ??= seq;
        return thr(error).finally(() => {
          record.closeEndSeq ??= timeline.record(record, 'return-settled');
        });
      },
    },
  });
  return generator;
}

// ------------------------------------------------------------------ sync iterable

function openSync(context: ProbeContext): Iterator<number | Promise<number>> & Iterable<number | Promise<number>> {
  markOpen(context, undefined);
  return new SyncProbe(context);
}

class SyncProbe implements Iterator<number | Promise<number>>, Iterable<number | Promise<number>> {
  readonly #context: ProbeContext;
  #step = 0;
  constructor(context: ProbeContext) {
    this.#context = context;
  }

  [Symbol.iterator](): this {
    return this;
  }

  next(): IteratorResult<number | Promise<number>> {
    const context = this.#context;
    const { record, timeline, spec } = context;
    record.nextCalls++;
    timeline.record(record, 'next');
    if (record.returnCalls > 0) {
      record.readsAfterClose++;
      return DONE;
    }
    if (record.finished !== undefined) return DONE;
    const step = this.#step++;
    if (step >= context.items && step !== spec.throwAt) {
      record.finished = 'done';
      timeline.record(record, 'done');
      return DONE;
    }
    timeline.record(record, 'yield');
    const delay = jitter(context);
    const parks = step === spec.parkAt;
    if (delay === undefined && !parks && step !== spec.throwAt) return { done: false, value: step };
    // An item that is a promise: `for await` and iterscope await it before the next read.
    const item = (async () => {
      await delay;
      if (parks) await timeline.park(record, spec.parkTicks, undefined);
      if (step === spec.throwAt) throw fail(context, 'next', step);
      return step;
    })();
    return { done: false, value: item };
  }

  return(): IteratorResult<number> {
    const context = this.#context;
    const { record, timeline, spec } = context;
    record.returnCalls++;
    const seq = timeline.record(record, 'return');
    if (record.finished !== undefined) {
      // The async reader learns of the end a tick after this iterator reported it, so a
      // close in that gap crosses the answer in flight; the probe cannot tell the two apart.
      record.returnCalls--;
      return DONE;
    }
    if (record.returnCalls > 1) return DONE;
    record.closeStartSeq = seq;
    record.cleanupRuns++;
    timeline.record(record, 'cleanup-start');
    if (spec.returnThrows === true) {
      timeline.record(record, 'cleanup-error');
      record.closeEndSeq = timeline.record(record, 'return-settled');
      throw fail(context, 'return', this.#step);
    }
    timeline.record(record, 'cleanup-end');
    record.closeEndSeq = timeline.record(record, 'return-settled');
    return DONE;
  }
}
