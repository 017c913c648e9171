/**
 * The event loop beyond microtasks. The supervisor counts time in microtask ticks, which
 * keeps microtask-only code deterministic per seed; code that waits on `process.nextTick`,
 * `setImmediate`, a timer or I/O (Node streams, most real libraries) needs the event loop
 * to turn as well. It is turned only when the microtask queue has gone quiet, so code
 * that never leaves it sees exactly the same interleaving as before.
 */

interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(timer: unknown): void;
  setImmediate?: ((callback: () => void) => unknown) | undefined;
}

function builtin(name: string): unknown {
  const proc = (globalThis as { process?: { getBuiltinModule?: (name: string) => unknown } }).process;
  return proc?.getBuiltinModule?.(name);
}

/**
 * The runtime's own timers and clock. A test file may fake the global ones (vitest's
 * `vi.useFakeTimers()`, sinon): the harness still has to turn the event loop, wait and
 * measure for real, or a scenario would wait forever on a timer nobody advances. Node's
 * `node:timers` and `node:perf_hooks` are left alone by the fakes.
 */
const ownTimers: Timers = (builtin('node:timers') as Timers | undefined) ?? globalThis;
const ownClock = (builtin('node:perf_hooks') as { performance?: { now(): number } } | undefined)?.performance ?? globalThis.performance;

/** Milliseconds on the runtime's own clock, for time limits and close durations. @internal */
export function now(): number {
  return ownClock.now();
}

/**
 * True when the global `setTimeout` is not the runtime's own (fake timers): the timers of
 * the code under test are then not real timers and cannot be counted. @internal
 */
export function timersFaked(): boolean {
  return builtin('node:timers') !== undefined && globalThis.setTimeout !== ownTimers.setTimeout;
}

/** One turn of the event loop: nextTick callbacks, immediates and ready I/O run. @internal */
export function macrotask(): Promise<void> {
  return new Promise((resolve) => {
    if (typeof ownTimers.setImmediate === 'function') ownTimers.setImmediate(resolve);
    else ownTimers.setTimeout(resolve, 0);
  });
}

/** Set while the harness makes a timer of its own, so the tracker leaves it out. */
let makingOwn = false;

/** Wait about `ms` milliseconds: lets timers that are due fire. @internal */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => {
    makingOwn = true;
    try {
      ownTimers.setTimeout(resolve, ms);
    } finally {
      makingOwn = false;
    }
  });
}

/** What Node reports as waiting outside the microtask queue (immediates are drained by `macrotask`). */
const OUTSIDE = new Set(['Timeout', 'TCPWRAP', 'TCPCONNECTWRAP', 'PIPEWRAP', 'PIPECONNECTWRAP', 'FSREQCALLBACK', 'FSREQPROMISE', 'GETADDRINFOREQWRAP', 'TickObject', 'UDPWRAP', 'WRITEWRAP', 'SHUTDOWNWRAP']);

interface AsyncHooks {
  createHook(callbacks: { init(id: number, type: string, triggerAsyncId: number): void; destroy(id: number): void }): { enable(): unknown; disable(): unknown };
  executionAsyncId(): number;
}

function asyncHooks(): AsyncHooks | undefined {
  return builtin('node:async_hooks') as AsyncHooks | undefined;
}

let hooksWork: boolean | undefined;

/**
 * Whether this runtime lets the harness count the timers of the code under test: it has
 * `node:async_hooks`, and its hooks really see a timer made (runtimes that only stub the
 * module never call them). Tried once. @internal
 */
export function countsTimers(): boolean {
  if (hooksWork !== undefined) return hooksWork;
  const hooks = asyncHooks();
  if (hooks === undefined) return (hooksWork = false);
  let seen = false;
  const hook = hooks.createHook({
    init(_id, type) {
      if (type === 'Timeout') seen = true;
    },
    destroy: () => undefined,
  });
  hook.enable();
  makingOwn = true; // a tracker already running must not count this one
  try {
    // The runtime's own timer: a faked global one would make no Timeout, and the answer is kept.
    ownTimers.clearTimeout(ownTimers.setTimeout(() => undefined, 0));
  } finally {
    makingOwn = false;
    hook.disable();
  }
  return (hooksWork = seen);
}

/** What {@link trackOutsideWork} sees. @internal */
export interface OutsideWork {
  /** Timers, I/O requests and handles of the code under test still alive. */
  readonly count: () => number;
  /**
   * The timers (`setTimeout`/`setInterval` not yet fired or cleared) the scenario's own
   * code made: made while it ran, or in a callback of something it made.
   */
  readonly timers: () => number;
  /** False where the runtime cannot tell (no `node:async_hooks`): both counts stay 0. */
  readonly available: boolean;
  readonly stop: () => void;
}

/**
 * Counts the timers, I/O requests and handles created (and not yet gone) since it
 * started, leaving out the harness's own: whether the code under test still waits on
 * something outside the microtask queue, and whether it left a timer running. Node only
 * (async_hooks); elsewhere it counts 0, says it is not `available`, and the harness falls
 * back on a short grace period. @internal
 */
export function trackOutsideWork(): OutsideWork {
  const hooks = countsTimers() ? asyncHooks() : undefined;
  if (hooks === undefined) return { count: () => 0, timers: () => 0, available: false, stop: () => undefined };
  const live = new Set<number>();
  const timers = new Set<number>();
  // The scenario's async resources: what was made while its code ran. A timer made
  // meanwhile by something else in the process (a finalizer of an earlier scenario's
  // stage, the test runner's messaging) is not its timer.
  const descended = new Set<number>([hooks.executionAsyncId()]);
  const hook = hooks.createHook({
    init(id, type, triggerAsyncId) {
      const ours = descended.has(hooks.executionAsyncId()) || descended.has(triggerAsyncId);
      if (ours) descended.add(id);
      if (makingOwn || !OUTSIDE.has(type)) return;
      live.add(id);
      if (type === 'Timeout' && ours) timers.add(id);
    },
    destroy(id) {
      live.delete(id);
      timers.delete(id);
      descended.delete(id);
    },
  });
  hook.enable();
  return {
    count: () => live.size,
    timers: () => timers.size,
    available: true,
    stop: () => {
      hook.disable();
    },
  };
}
