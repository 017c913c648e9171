/**
 * Fails a test file if anything in its worker produced an unhandled promise
 * rejection or an uncaught exception while the file ran.
 *
 * iterscope promises that async iteration never leaks; a stray rejection is
 * exactly such a leak, so it must fail the suite rather than scroll past.
 */
import { afterAll, expect } from 'vitest';
import { inspect } from 'node:util';

interface Incident {
  readonly kind: 'unhandledRejection' | 'uncaughtException';
  readonly error: unknown;
}

const incidents: Incident[] = [];

const onRejection = (reason: unknown): void => {
  incidents.push({ kind: 'unhandledRejection', error: reason });
};
const onException = (error: unknown): void => {
  incidents.push({ kind: 'uncaughtException', error });
};

process.on('unhandledRejection', onRejection);
process.on('uncaughtException', onException);

afterAll(async () => {
  // Give rejections from the last test a turn of the event loop to surface.
  await new Promise<void>((resolve) => setImmediate(resolve));
  await new Promise<void>((resolve) => setTimeout(resolve, 10));

  process.off('unhandledRejection', onRejection);
  process.off('uncaughtException', onException);

  const report = incidents.map(
    ({ kind, error }) => `${kind}: ${inspect(error, { depth: 5 })}`,
  );
  incidents.length = 0;
  expect(report, 'unhandled errors occurred in this test file').toEqual([]);
});
