import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { abortable, aclosing, filter, map, pipe, take, withCleanup, type Operator, type Report } from 'iterscope';
import { recordReports, settleAll, signalSource } from '../helpers/probe.js';

// C5: reports are for what was really lost or late. A clean abort (a source that honours
// its signal and rejects with the reason) and a clean close report nothing: no
// `late-error`, no `straggler`, no `cleanup-error`, no `abandoned`.

let recorded: ReturnType<typeof recordReports>;
beforeEach(() => {
  recorded = recordReports();
});
afterEach(() => {
  recorded.stop();
});

const reportTypes: Report['type'][] = ['late-error', 'straggler', 'cleanup-error', 'abandoned'];

const between: [string, () => Operator<number, number>][] = [
  ['map', () => map((x: number) => x)],
  ['filter', () => filter(() => true)],
  ['withCleanup', () => withCleanup(() => undefined)],
  ['map with options', () => map((x: number) => x, { closeTimeout: 1_000 })],
  ['take', () => take(5)],
];

describe('C5 no false reports on a clean abort', () => {
  for (const [name, op] of between) {
    it(`${name} under abortable: the source's rejection with the reason is the abort, not a late error`, async () => {
      const controller = new AbortController();
      const source = signalSource();
      const stream = pipe(source, op(), abortable(controller.signal));
      await stream.next();
      const pending = stream.next();
      const reason = new Error('gone');
      controller.abort(reason);
      await expect(pending).rejects.toBe(reason);
      await settleAll();
      expect(source.signals[0]?.reason).toBe(reason);
      for (const type of reportTypes) expect(recorded.reports.filter((r) => r.type === type)).toEqual([]);
    });
  }

  it('a stage given the signal itself', async () => {
    const controller = new AbortController();
    const stream = pipe(signalSource(), withCleanup(() => undefined), map((x: number) => x, { signal: controller.signal }));
    await stream.next();
    const pending = stream.next();
    controller.abort(new Error('gone'));
    await expect(pending).rejects.toThrow('gone');
    await settleAll();
    expect(recorded.reports).toEqual([]);
  });

  it('an abort between reads', async () => {
    const controller = new AbortController();
    const stream = aclosing(pipe(signalSource(2), map((x: number) => x)), { signal: controller.signal });
    await stream.next();
    controller.abort(new Error('gone'));
    await expect(stream.next()).rejects.toThrow('gone');
    await settleAll();
    expect(recorded.reports).toEqual([]);
  });
});

describe('C5 no false reports on a clean close', () => {
  for (const [name, op] of between) {
    it(`${name}: break, and return() while a read is parked`, async () => {
      for await (const _ of pipe(signalSource(3), op())) break;
      const stream = pipe(signalSource(), op());
      await stream.next();
      const pending = stream.next();
      await stream.return();
      expect(await pending).toEqual({ done: true, value: undefined });
      await settleAll();
      for (const type of reportTypes) expect(recorded.reports.filter((r) => r.type === type)).toEqual([]);
    });
  }
});

describe('C2/C5 a straggler', () => {
  it('that finishes closing cleanly after the deadline is reported once, as a straggler only; its wait is measured from the close', async () => {
    let finish: () => void = () => undefined;
    const source: AsyncIterator<number> = {
      next: () => Promise.resolve({ done: false, value: 1 }),
      return: () =>
        new Promise((resolve) => {
          finish = () => {
            resolve({ done: true, value: undefined });
          };
        }),
    };
    const stage = aclosing(source, { closeTimeout: 0 });
    await stage.next();
    const before = performance.now();
    await stage.return();
    const waited = performance.now() - before;
    finish();
    await settleAll();
    expect(recorded.reports.map((r) => r.type)).toEqual(['straggler']);
    const [straggler] = recorded.reports as [Report & { type: 'straggler' }];
    expect(straggler.stage).toBe('aclosing');
    expect(straggler.waitedMs).toBeGreaterThanOrEqual(0);
    expect(straggler.waitedMs).toBeLessThanOrEqual(Math.ceil(waited));
  });
});
