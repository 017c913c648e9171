import { onReport, type Report } from 'iterscope';
import { probe as instrumented, ticks, Timeline, type EventType, type NodeRecord, type ProbeSpec } from 'iterscope/testing';

/**
 * The instrumented source of `iterscope/testing` (`probe`), in the shape the hand-written
 * tests read: the iterator itself with call counts, and a log of plain strings shared with
 * the other probes of a test (and the test's own entries), so tests assert on counts and
 * order. Everything here is a view of the public probe's timeline; nothing is recorded twice.
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
  readonly calls: { readonly next: number; readonly return: number; readonly throw: number };
  /** True once the probe reported done or rejected a next(). */
  readonly finished: boolean;
  /** The signal passed when the probe was opened, if any (iterable form). */
  readonly signal: AbortSignal | undefined;
  /** Its record in the public harness. */
  readonly record: NodeRecord;
  [Symbol.asyncIterator](): Probe;
}

/** The timeline events the log names, and how. */
const LOGGED: Partial<Record<EventType, string>> = {
  open: 'open',
  next: 'next',
  return: 'return:start',
  'cleanup-end': 'return:end',
  'cleanup-error': 'return:end',
};

/** A timeline that also writes each source event to a shared log of strings, as it happens. */
class LoggedTimeline extends Timeline {
  readonly log: string[];
  /** The probe being made is handed over open: its opening is not the reader's, so not logged. */
  quietOpen = false;

  constructor(log: string[]) {
    super();
    this.log = log;
  }

  override record(node: NodeRecord, type: EventType): number {
    const seq = super.record(node, type);
    const entry = LOGGED[type];
    if (entry !== undefined && node.kind === 'source' && !(type === 'open' && this.quietOpen)) {
      this.log.push(`${node.id.replace(/#\d+$/, '')}:${entry}`);
    }
    return seq;
  }

  /**
   * A park here is for good (nobody releases it), and nothing holds it: a stage dropped
   * while it waits on one can be collected, as when the source's upstream is gone (C7).
   */
  override park(node: NodeRecord, forTicks: number | undefined, signal: AbortSignal | undefined): Promise<void> {
    const parked = super.park(node, forTicks, signal);
    this.abandonParks();
    return parked;
  }
}

const timelines = new WeakMap<string[], LoggedTimeline>();

function timelineOf(log: string[]): LoggedTimeline {
  let timeline = timelines.get(log);
  if (timeline === undefined) {
    timeline = new LoggedTimeline(log);
    timelines.set(log, timeline);
  }
  return timeline;
}

function specOf(options: ProbeOptions): ProbeSpec {
  return {
    kind: 'async',
    items: options.items ?? Infinity,
    parkAt: options.parkAt,
    throwAt: options.throwAt,
    returnParks: options.returnParks,
    returnTicks: options.returnTicks,
    ...('error' in options ? { error: options.error } : {}),
    ...('returnError' in options ? { returnThrows: true, returnError: options.returnError } : {}),
  };
}

/** The shape the tests read, over one opened public probe. */
function view(iterator: AsyncIterator<number>, record: NodeRecord, timeline: LoggedTimeline, name: string, signal: AbortSignal | undefined): Probe {
  // Counted from the timeline: every call is there, including the ones the probe forgives.
  const count = (type: EventType): number => timeline.events.filter((e) => e.node === record.id && e.type === type).length;
  const it: Probe = {
    name,
    log: timeline.log,
    calls: {
      get next() {
        return count('next');
      },
      get return() {
        return count('return');
      },
      get throw() {
        return count('throw');
      },
    },
    get finished() {
      return record.finished !== undefined;
    },
    signal,
    record,
    next: () => iterator.next(),
    return: () => (iterator.return as () => Promise<IteratorResult<number>>)(),
    [Symbol.asyncIterator]: () => it,
  };
  return it;
}

/** A source handed over already open (so return() is never queued behind next()). */
export function probe(options: ProbeOptions = {}): Probe {
  const name = options.name ?? 'src';
  const timeline = timelineOf(options.log ?? []);
  timeline.quietOpen = true;
  try {
    const p = instrumented({ ...specOf(options), given: 'iterator' }, { timeline, name });
    return view(p.source as unknown as AsyncIterator<number>, p.record, timeline, name, undefined);
  } finally {
    timeline.quietOpen = false;
  }
}

export interface ProbeIterable extends AsyncIterable<number> {
  /** Every iterator opened from this iterable, in order. */
  readonly opened: Probe[];
}

/** An iterable that opens a new probe on each `[Symbol.asyncIterator](signal)` call. */
export function probeIterable(options: ProbeOptions = {}): ProbeIterable {
  const opened: Probe[] = [];
  const name = options.name ?? 'src';
  const timeline = timelineOf(options.log ?? []);
  return {
    opened,
    [Symbol.asyncIterator](signal?: AbortSignal) {
      // A new public probe per opening: each one is a source of its own (retry, repeat).
      const p = instrumented(specOf(options), { timeline, name });
      const iterator = (p.source as { [Symbol.asyncIterator](signal?: AbortSignal): AsyncIterator<number> })[Symbol.asyncIterator](signal);
      const opening = view(iterator, p.record, timeline, name, signal);
      opened.push(opening);
      return opening;
    },
  };
}

/** Let pending promise reactions run: `n` microtask ticks. */
export { ticks };

/** Set while generated scenarios run: iterscope/testing judges their reports itself. */
let generating = 0;
/** When generated scenarios ran (`performance.now()`, from and to; see `fromGenerated`). */
const generatedRuns: [number, number][] = [];

/**
 * Run generated scenarios (checkContract) inside a test file that records reports: their
 * reports belong to the harness's verdict, not to the file's hand-written cases.
 */
export async function withoutRecording<T>(run: () => Promise<T>): Promise<T> {
  const from = performance.now();
  generating++;
  try {
    return await run();
  } finally {
    generating--;
    generatedRuns.push([from, performance.now()]);
  }
}

/**
 * A straggler whose close began while generated scenarios ran: the harness left a stage
 * closing in the background (the safety net closing an abandoned one, over a source that
 * will never settle), and its close deadline (5 s by default) ran out in a later test.
 * It belongs to those scenarios, not to the test that happens to run then.
 */
function fromGenerated(report: Report): boolean {
  if (report.type !== 'straggler') return false;
  const began = performance.now() - report.waitedMs;
  return generatedRuns.some(([from, to]) => began >= from - 1 && began <= to + 1);
}

/** Record every report iterscope makes until `stop()` (except those of generated scenarios). */
export function recordReports(): { readonly reports: Report[]; stop(): void } {
  const reports: Report[] = [];
  const stop = onReport((r) => {
    if (generating === 0 && !fromGenerated(r)) reports.push(r);
  });
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
  const openings: Probe[] = [];
  const timeline = new LoggedTimeline([]);
  return {
    get signals() {
      return openings.map((o) => o.signal);
    },
    get returns() {
      return openings.reduce((sum, o) => sum + o.calls.return, 0);
    },
    [Symbol.asyncIterator](signal?: AbortSignal): AsyncIterator<number> {
      const p = instrumented({ items: Infinity, parkAt: items, signal: 'honour' }, { timeline, name: 'signal-source' });
      const iterator = (p.source as { [Symbol.asyncIterator](signal?: AbortSignal): AsyncIterator<number> })[Symbol.asyncIterator](signal);
      const opening = view(iterator, p.record, timeline, 'signal-source', signal);
      openings.push(opening);
      return opening;
    },
  };
}

/** Let every pending promise reaction and timer of this turn run. */
export async function settleAll(): Promise<void> {
  for (let i = 0; i < 3; i++) await new Promise((resolve) => setTimeout(resolve, 0));
}
