import { onReport, type Report } from 'iterscope';

/**
 * Instrumented sources for the contract tests: each records what it was asked to do, in
 * a log shared with the other probes of a test, so tests can assert on counts and order.
 */

export interface ProbeOptions {
  /** Name used in the shared log. */
  readonly name?: string;
  /** How many items to yield (0, 1, 2, ...) before reporting done. Default: no end. */
  readonly items?: number;
  /** next() number `parkAt` (0-based) never settles. */
  readonly parkAt?: number;
  /** next() number `throwAt` (0-based) rejects with `error`. */
  readonly throwAt?: number;
  /** The error for `throwAt`. */
  readonly error?: unknown;
  /** return() rejects with this. */
  readonly returnError?: unknown;
  /** return() never settles. */
  readonly returnParks?: boolean;
  /** return() settles after this many extra microtask ticks (to test ordering). */
  readonly returnTicks?: number;
  /** A shared log: entries like `a:next`, `a:return:start`, `a:return:end`. */
  readonly log?: string[];
}

export interface Probe extends AsyncIterator<number> {
  readonly name: string;
  readonly log: string[];
  /** How many times next() / return() / throw() were called. */
  readonly calls: { next: number; return: number; throw: number };
  /** True once the probe reported done or rejected a next(). */
  readonly finished: boolean;
  /** The signal passed when the probe was opened, if any (iterable form). */
  readonly signal: AbortSignal | undefined;
  [Symbol.asyncIterator](): Probe;
}

async function ticks(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await Promise.resolve();
}

/** A hand-written async iterator (so return() is never queued behind next()). */
export function probe(options: ProbeOptions = {}): Probe {
  const name = options.name ?? 'src';
  const log = options.log ?? [];
  const calls = { next: 0, return: 0, throw: 0 };
  let index = 0;
  let finished = false;
  const it: Probe = {
    name,
    log,
    calls,
    get finished() {
      return finished;
    },
    signal: undefined,
    next() {
      const n = calls.next++;
      log.push(`${name}:next`);
      if (options.parkAt === n) return new Promise<IteratorResult<number>>(() => undefined);
      if (options.throwAt === n) {
        finished = true;
        const error: unknown = options.error ?? new Error(`${name} failed at ${String(n)}`);
        return Promise.reject(error);
      }
      if (options.items !== undefined && index >= options.items) {
        finished = true;
        return Promise.resolve({ done: true, value: undefined });
      }
      return Promise.resolve({ done: false, value: index++ });
    },
    async return() {
      calls.return++;
      log.push(`${name}:return:start`);
      if (options.returnParks === true) await new Promise<never>(() => undefined);
      await ticks(options.returnTicks ?? 0);
      log.push(`${name}:return:end`);
      // `in`, not `!== undefined`: a probe may be told to reject with any value.
      if ('returnError' in options) return Promise.reject(options.returnError);
      return { done: true, value: undefined };
    },
    [Symbol.asyncIterator]() {
      return it;
    },
  };
  return it;
}

export interface ProbeIterable extends AsyncIterable<number> {
  /** Every iterator opened from this iterable, in order. */
  readonly opened: Probe[];
}

/** An iterable that opens a new probe on each `[Symbol.asyncIterator](signal)` call. */
export function probeIterable(options: ProbeOptions = {}): ProbeIterable {
  const opened: Probe[] = [];
  return {
    opened,
    [Symbol.asyncIterator](signal?: AbortSignal) {
      const p = probe(options);
      (p as { signal: AbortSignal | undefined }).signal = signal;
      (options.log ?? p.log).push(`${p.name}:open`);
      opened.push(p);
      return p;
    },
  };
}

/** Let pending promise reactions run: `n` microtask ticks. */
export { ticks };

/** Record every report iterscope makes until `stop()`. */
export function recordReports(): { readonly reports: Report[]; stop(): void } {
  const reports: Report[] = [];
  const stop = onReport((r) => reports.push(r));
  return { reports, stop };
}

export interface SignalSource extends AsyncIterable<number> {
  /** The signal each opening received, in order. */
  readonly signals: (AbortSignal | undefined)[];
  /** How many times return() was called. */
  readonly returns: number;
}

/**
 * A source that honours the signal it is opened with (as `fetch` bodies and SDK streams do):
 * it yields `items` items, then parks; when its signal aborts, the parked `next()` rejects
 * with `signal.reason`.
 */
export function signalSource(items = 1): SignalSource {
  const signals: (AbortSignal | undefined)[] = [];
  let returns = 0;
  return {
    signals,
    get returns() {
      return returns;
    },
    [Symbol.asyncIterator](signal?: AbortSignal): AsyncIterator<number> {
      signals.push(signal);
      let i = 0;
      return {
        next() {
          if (i < items) return Promise.resolve({ done: false, value: i++ });
          return new Promise<IteratorResult<number>>((_, reject) => {
            if (signal === undefined) return;
            if (signal.aborted) reject(signal.reason as unknown);
            else signal.addEventListener('abort', () => { reject(signal.reason as unknown); }, { once: true });
          });
        },
        async return() {
          returns++;
          return { done: true, value: undefined };
        },
      };
    },
  };
}

/** Let every pending promise reaction and timer of this turn run. */
export async function settleAll(): Promise<void> {
  for (let i = 0; i < 3; i++) await new Promise((resolve) => setTimeout(resolve, 0));
}
