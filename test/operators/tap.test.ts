import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pipe, tap, toArray } from 'iterscope';
import { badInputSuite, contractSuite } from '../helpers/contract.js';
import { probe, recordReports } from '../helpers/probe.js';

let recorded: ReturnType<typeof recordReports>;
beforeEach(() => {
  recorded = recordReports();
});
afterEach(() => {
  recorded.stop();
});

contractSuite('tap', {
  make: (source, options) => pipe(source, tap(() => undefined, options)),
  failing: (source, error) =>
    pipe(
      source,
      tap(() => {
        throw error;
      }),
    ),
});

describe('tap', () => {
  it('sees each item and index and passes the item unchanged', async () => {
    const seen: [string, number][] = [];
    expect(await toArray(pipe(['a', 'b'], tap((x, i) => seen.push([x, i]))))).toEqual(['a', 'b']);
    expect(seen).toEqual([
      ['a', 0],
      ['b', 1],
    ]);
  });

  it('awaits an async fn before passing the item', async () => {
    const log: string[] = [];
    const stage = pipe(
      [1],
      tap(async (x) => {
        await Promise.resolve();
        log.push(`tapped ${String(x)}`);
      }),
    );
    const r = await stage.next();
    log.push(`got ${String(r.value)}`);
    expect(log).toEqual(['tapped 1', 'got 1']);
  });

  it('an async fn that rejects closes the source', async () => {
    const src = probe();
    const error = new Error('async tap');
    await expect(pipe(src, tap(() => Promise.reject(error))).next()).rejects.toBe(error);
    expect(src.calls.return).toBe(1);
  });
});

badInputSuite('tap', [['fn not a function', () => tap(null as never), TypeError, /tap: expected `fn` to be a function, got `null`/]]);
