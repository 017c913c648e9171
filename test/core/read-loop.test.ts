import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { map, pipe } from 'iterscope';
import { controlled } from '../helpers/controlled.js';
import { recordReports, settleAll } from '../helpers/probe.js';

// The read loop (src/core/read-loop.ts): answers that reach a stage after it stopped.

let recorded: ReturnType<typeof recordReports>;
beforeEach(() => {
  recorded = recordReports();
});
afterEach(() => {
  recorded.stop();
});

describe('read loop: answers after the stage stopped', () => {
  it('an item the source answers after return() never reaches the step', async () => {
    const source = controlled<number>();
    const seen: number[] = [];
    const stage = pipe(
      source,
      map((x: number) => {
        seen.push(x);
        return x;
      }),
    );
    const pending = stage.next();
    await stage.return();
    expect(await pending).toEqual({ done: true, value: undefined });
    source.push(1);
    await settleAll();
    expect(seen).toEqual([]);
    expect(recorded.reports).toEqual([]);
  });

  it('an async step that settles after return() answers nobody; one that fails is reported, never lost (C5)', async () => {
    const error = new Error('late step');
    let settleStep: ((ok: boolean) => void) | undefined;
    const stage = pipe(
      [1, 2],
      map(
        (x: number) =>
          new Promise<number>((resolve, reject) => {
            settleStep = (ok) => {
              if (ok) resolve(x);
              else reject(error);
            };
          }),
      ),
    );
    const pending = stage.next();
    await settleAll();
    await stage.return();
    expect(await pending).toEqual({ done: true, value: undefined });
    settleStep?.(false);
    await settleAll();
    expect(recorded.reports).toEqual([{ type: 'late-error', stage: 'map', error }]);
  });
});
