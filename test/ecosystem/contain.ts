/**
 * For a library known to leave rejections unhandled: vitest's own listener
 * (test/setup/unhandled.ts, which fails the file) is set aside while `run` runs, the
 * rejections are collected for `run` to look at, then the listener is put back. Nothing is
 * hidden from the harness: it listens on its own and reports them as violations.
 */
export async function withUnhandledSetAside<T>(run: (unhandled: readonly unknown[]) => Promise<T>): Promise<T> {
  const saved = process.listeners('unhandledRejection');
  const unhandled: unknown[] = [];
  const listener = (reason: unknown): void => void unhandled.push(reason);
  process.removeAllListeners('unhandledRejection');
  process.on('unhandledRejection', listener);
  try {
    const result = await run(unhandled);
    // A turn of the event loop: rejections left unhandled by `run` surface before the listener goes.
    await new Promise<void>((resolve) => setImmediate(resolve));
    return result;
  } finally {
    process.off('unhandledRejection', listener);
    for (const l of saved) process.on('unhandledRejection', l);
  }
}
