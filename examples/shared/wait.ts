/** Polling with a generous bound: end-to-end tests wait for effects, never for exact times. */

export const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve, reject) => {
    if (signal?.aborted === true) {
      reject(signal.reason as Error);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason as Error);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/**
 * Resolve once `condition()` holds, checking every few milliseconds; reject with `what`
 * after `timeoutMs`. Resolves to the time it took.
 */
export async function waitUntil(what: string, condition: () => boolean, timeoutMs = 5_000): Promise<number> {
  const start = performance.now();
  while (!condition()) {
    if (performance.now() - start > timeoutMs) throw new Error(`gave up after ${String(timeoutMs)} ms waiting until ${what}`);
    await sleep(5);
  }
  return performance.now() - start;
}

/** Run `gc()` until `condition()` holds (the safety net needs a collection to act). */
export async function collectUntil(what: string, condition: () => boolean, rounds = 50): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('run with node --expose-gc');
  for (let i = 0; i < rounds && !condition(); i++) {
    gc();
    await sleep(10);
  }
  if (!condition()) throw new Error(`gave up after ${String(rounds)} collections waiting until ${what}`);
}
