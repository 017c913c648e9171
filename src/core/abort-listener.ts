/**
 * C3/C7: the one way iterscope listens to an abort signal. The listener holds its target
 * weakly, so a long-lived signal (an app-wide shutdown signal, a request that outlives
 * the stream) never keeps an abandoned stage alive; `call` is module-level at each use,
 * so it cannot capture the target either.
 */

/**
 * Call `call(target, signal.reason)` when `signal` aborts, while `target` is alive.
 * Returns the function that removes the listener. The caller checks `signal.aborted` first.
 * @internal
 */
export function listenForAbort<T extends object>(signal: AbortSignal, target: T, call: (target: T, reason: unknown) => void): () => void {
  const ref = new WeakRef(target);
  const onAbort = (): void => {
    const alive = ref.deref();
    if (alive !== undefined) call(alive, signal.reason);
  };
  signal.addEventListener('abort', onAbort, { once: true });
  return () => {
    signal.removeEventListener('abort', onAbort);
  };
}
