/**
 * Garbage collection for the safety-net tests (C7). Every test worker has `gc`
 * (test/setup/expose-gc.ts); where a runtime has none, `collectUntil` only lets the loop turn.
 */
export const gc = (globalThis as { gc?: () => void }).gc;

/** Collect and let finalizers run, up to 30 times, until `done()` holds. */
export async function collectUntil(done: () => boolean): Promise<void> {
  for (let i = 0; i < 30 && !done(); i++) {
    gc?.();
    await new Promise((resolve) => setImmediate(resolve));
  }
}
