/**
 * The state of a promise once every microtask chain already queued has run: no timers, so
 * "still pending" means it waits on something that will not come by itself.
 */
export async function settled<T>(promise: Promise<T>): Promise<{ value?: T; error?: unknown } | 'pending'> {
  let state: { value?: T; error?: unknown } | 'pending' = 'pending';
  promise.then(
    (value) => (state = { value }),
    (error: unknown) => (state = { error }),
  );
  for (let i = 0; i < 100; i++) await Promise.resolve();
  return state;
}
