import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { pipe, throttle, toArray } from 'iterscope';
import { badInputSuite, contractSuite } from '../helpers/contract.js';
import { recordReports } from '../helpers/probe.js';

let recorded: ReturnType<typeof recordReports>;
beforeEach(() => {
  recorded = recordReports();
});
afterEach(() => {
  vi.useRealTimers();
  recorded.stop();
});

// A window of 0 passes everything: the shared suite sees the items unchanged.
contractSuite('throttle', {
  make: (source, options) => pipe(source, throttle(0, options)),
});

describe('throttle (fake clock: nothing sleeps)', () => {
  it('passes an item, then drops the items within the window after it', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    async function* timed(): AsyncGenerator<string> {
      for (const [at, item] of [[0, 'a'], [10, 'b'], [99, 'c'], [100, 'd'], [150, 'e'], [250, 'f']] as const) {
        vi.setSystemTime(at);
        yield item;
      }
    }
    expect(await toArray(pipe(timed(), throttle(100)))).toEqual(['a', 'd', 'f']);
  });

  it('the window starts at the first item, not when the stream was created', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(1_000);
    const stage = pipe(['x', 'y'], throttle(50));
    vi.setSystemTime(5_000);
    expect(await toArray(stage)).toEqual(['x']);
  });
});

badInputSuite('throttle', [
  ['ms -1', () => throttle(-1), RangeError, /throttle: expected `ms` to be a finite number of milliseconds from 0 up, got `-1`/],
]);
