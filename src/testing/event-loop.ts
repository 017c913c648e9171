/**
 * The event loop beyond microtasks. The supervisor counts time in microtask ticks, which
 * keeps microtask-only code deterministic per seed; code that waits on `process.nextTick`,
 * `setImmediate`, a timer or I/O (Node streams, most real libraries) needs the event loop
 * to turn as well. It is turned only when the microtask queue has gone quiet, so code
 * that never leaves it sees exactly the same interleaving as before.
 */

/** One turn of the event loop: nextTick callbacks, immediates and ready I/O run. @internal */
export function macrotask(): Promise<void> {
  return new Promise((resolve) => {
    if (typeof setImmediate === 'function') setImmediate(resolve);
    else setTimeout(resolve, 0);
  });
}

/** Set while the harness makes a timer of its own, so the tracker leaves it out. */
let makingOwn = false;

/** Wait about `ms` milliseconds: lets timers that are due fire. @internal */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => {
    makingOwn = true;
    try {
      setTimeout(resolve, ms);
    } finally {
      makingOwn = false;
    }
  });
}

/** What Node reports as waiting outside the microtask queue (immediates are drained by `macrotask`). */
const OUTSIDE = new Set(['Timeout', 'TCPWRAP', 'TCPCONNECTWRAP', 'PIPEWRAP', 'PIPECONNECTWRAP', 'FSREQCALLBACK', 'FSREQPROMISE', 'GETADDRINFOREQWRAP', 'TickObject', 'UDPWRAP', 'WRITEWRAP', 'SHUTDOWNWRAP']);

interface AsyncHooks {
  createHook(callbacks: { init(id: number, type: string): void; destroy(id: number): void }): { enable(): unknown; disable(): unknown };
}

/**
 * Counts the timers, I/O requests and handles created (and not yet gone) since it
 * started, leaving out the harness's own: whether the code under test still waits on
 * something outside the microtask queue. Node only (async_hooks); elsewhere it counts 0
 * and the harness falls back on a short grace period. @internal
 */
export function trackOutsideWork(): { readonly count: () => number; readonly stop: () => void } {
  const proc = (globalThis as { process?: { getBuiltinModule?: (name: string) => unknown } }).process;
  const hooks = proc?.getBuiltinModule?.('node:async_hooks') as AsyncHooks | undefined;
  if (hooks === undefined) return { count: () => 0, stop: () => undefined };
  const live = new Set<number>();
  const hook = hooks.createHook({
    init(id, type) {
      if (!makingOwn && OUTSIDE.has(type)) live.add(id);
    },
    destroy(id) {
      live.delete(id);
    },
  });
  hook.enable();
  return {
    count: () => live.size,
    stop: () => {
      hook.disable();
    },
  };
}
