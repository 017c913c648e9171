import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { distinctUntilChanged, pipe, toArray } from 'iterscope';
import { badInputSuite, contractSuite } from '../helpers/contract.js';
import { probe, recordReports } from '../helpers/probe.js';

let recorded: ReturnType<typeof recordReports>;
beforeEach(() => {
  recorded = recordReports();
});
afterEach(() => {
  recorded.stop();
});

contractSuite('distinctUntilChanged', {
  make: (source, options) => pipe(source, distinctUntilChanged(undefined, options)),
  failing: (source, error) => {
    // equals runs from the second item on: the first comparison throws.
    const stage = pipe(
      source,
      distinctUntilChanged(() => {
        throw error;
      }),
    );
    const next = stage.next.bind(stage);
    let first = true;
    stage.next = async () => {
      if (first) {
        first = false;
        await next();
      }
      return next();
    };
    return stage;
  },
});

describe('distinctUntilChanged', () => {
  it('drops an item equal to the one before it', async () => {
    expect(await toArray(pipe([1, 1, 2, 2, 1, NaN, NaN], distinctUntilChanged()))).toEqual([1, 2, 1, NaN]);
  });

  it('uses equals, sync or async, with the last passed item', async () => {
    const near = (a: number, b: number): boolean => Math.abs(a - b) < 2;
    expect(await toArray(pipe([1, 2, 3, 4, 9], distinctUntilChanged(near)))).toEqual([1, 3, 9]);
    expect(await toArray(pipe([1, 2, 3, 4, 9], distinctUntilChanged(async (a: number, b: number) => near(a, b))))).toEqual([1, 3, 9]);
  });

  it('C1: equals throwing closes the source once', async () => {
    const src = probe();
    const error = new Error('equals');
    const stage = pipe(src, distinctUntilChanged(() => {
      throw error;
    }));
    await stage.next();
    await expect(stage.next()).rejects.toBe(error);
    expect(src.calls.return).toBe(1);
  });
});

badInputSuite('distinctUntilChanged', [
  ['equals not a function', () => distinctUntilChanged(1 as never), TypeError, /distinctUntilChanged: expected `equals` to be a function, got `1` \(number\)/],
]);
