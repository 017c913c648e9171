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

/** Wait about `ms` milliseconds: lets timers that are due fire. @internal */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * How many timers, I/O requests and handles are alive (Node); 0 where the runtime cannot
 * say. Compared with the count at the start of a scenario, it tells whether the code under
 * test is still waiting on something outside the microtask queue. @internal
 */
export function pendingWork(): number {
  const proc = (globalThis as { process?: { getActiveResourcesInfo?: () => string[] } }).process;
  const info = proc?.getActiveResourcesInfo?.();
  if (info === undefined) return 0;
  // Immediates are drained by `macrotask` itself; counting them would count our own.
  return info.filter((name) => name !== 'Immediate').length;
}
