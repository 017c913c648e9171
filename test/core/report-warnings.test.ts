import { afterEach, describe, expect, it, vi } from 'vitest';
import { aclosing, configure, map, onReport, pipe, type Report } from 'iterscope';
import { probe } from '../helpers/probe.js';
import { collectUntil } from '../helpers/collect.js';

// C5/C7: with no listener, every report becomes a process warning (a console warning where
// there is no process.emitWarning), so nothing iterscope cannot throw is ever silent. No
// test here registers a listener for longer than it needs one.

interface IterscopeWarning extends Error {
  readonly code?: string;
}

/** Warnings emitted while `run` runs and a turn after (Node emits them on a later tick). */
async function warningsDuring(run: (warnings: readonly IterscopeWarning[]) => Promise<void>): Promise<IterscopeWarning[]> {
  const warnings: IterscopeWarning[] = [];
  const onWarning = (w: Error): void => {
    if (w.name === 'IterscopeWarning') warnings.push(w);
  };
  process.on('warning', onWarning);
  try {
    await run(warnings);
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    process.off('warning', onWarning);
  }
  return warnings;
}

const summary = (warnings: IterscopeWarning[]): { code: string | undefined; message: string }[] =>
  warnings.map((w) => ({ code: w.code, message: w.message }));

afterEach(() => {
  vi.restoreAllMocks();
});

describe('reports with no listener: process warnings, one per report', () => {
  it('cleanup-error: names the stage and the error', async () => {
    const warnings = await warningsDuring(async () => {
      const stage = aclosing(probe({ returnError: new Error('cleanup') }));
      await stage.next();
      await stage.return().catch(() => undefined);
    });
    expect(summary(warnings)).toEqual([{ code: 'ITERSCOPE_CLEANUP_ERROR', message: 'aclosing: closing failed: Error: cleanup' }]);
  });

  it('late-error: names the stage and the error', async () => {
    const warnings = await warningsDuring(async () => {
      let fail: (e: unknown) => void = () => undefined;
      const stage = aclosing({
        next: () =>
          new Promise<IteratorResult<number>>((_resolve, reject) => {
            fail = reject;
          }),
        return: () => Promise.resolve({ done: true, value: undefined }),
      });
      const pending = stage.next();
      await stage.return();
      await pending;
      fail(new Error('network reset'));
      await new Promise((resolve) => setImmediate(resolve));
    });
    expect(summary(warnings)).toEqual([
      { code: 'ITERSCOPE_LATE_ERROR', message: 'aclosing: an error arrived when nobody was waiting for it any more: Error: network reset' },
    ]);
  });

  it('straggler: names the stage and how long it waited', async () => {
    const warnings = await warningsDuring(async () => {
      const stage = aclosing(probe({ returnParks: true }), { closeTimeout: 0 });
      await stage.next();
      await stage.return();
    });
    expect(warnings.map((w) => w.code)).toEqual(['ITERSCOPE_STRAGGLER']);
    expect(warnings[0]?.message).toMatch(/^aclosing: a source was still closing after \d+ ms; it goes on closing in the background\.$/);
  });

  // Built and dropped in a function of its own, so nothing in the test keeps it reachable.
  async function abandonOne(): Promise<void> {
    const stream = pipe(probe(), map((x: number) => x));
    await stream.next();
  }

  it('abandoned, without leak tracking: says how to see where the stage was created', async () => {
    const warnings = await warningsDuring(async (sofar) => {
      await abandonOne();
      await collectUntil(() => sofar.length > 0);
    });
    expect(summary(warnings)).toEqual([
      {
        code: 'ITERSCOPE_ABANDONED',
        message: 'map was garbage-collected without being finished or closed. Turn on leak tracking to see where it was created.',
      },
    ]);
  });

  it('abandoned, with leak tracking: shows where the stage was created', async () => {
    const previous = configure({ leakTracking: true });
    let warnings: IterscopeWarning[];
    try {
      warnings = await warningsDuring(async (sofar) => {
        await abandonOne();
        await collectUntil(() => sofar.length > 0);
      });
    } finally {
      configure(previous);
    }
    expect(warnings.map((w) => w.code)).toEqual(['ITERSCOPE_ABANDONED']);
    const [head, created, ...frames] = (warnings[0]?.message ?? '').split('\n');
    expect(head).toBe('map was garbage-collected without being finished or closed.');
    expect(created).toBe('Created at:');
    expect(frames.join('\n')).toMatch(/abandonOne/);
  });
});

describe('reports where there is no process.emitWarning (browsers, workers)', () => {
  it('are printed with console.warn', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const emitWarning = Object.getOwnPropertyDescriptor(process, 'emitWarning');
    Object.defineProperty(process, 'emitWarning', { value: undefined, configurable: true, writable: true });
    try {
      const stage = aclosing(probe({ returnError: new Error('cleanup') }));
      await stage.next();
      await stage.return().catch(() => undefined);
    } finally {
      if (emitWarning !== undefined) Object.defineProperty(process, 'emitWarning', emitWarning);
    }
    expect(warn.mock.calls).toEqual([['aclosing: closing failed: Error: cleanup']]);
  });
});

describe('a report listener that throws', () => {
  it('is ignored with its error printed; the other listeners still get the report', async () => {
    const printed = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const listenerError = new Error('listener bug');
    const received: Report[] = [];
    const stopThrowing = onReport(() => {
      throw listenerError;
    });
    const stopRecording = onReport((r) => received.push(r));
    const cleanup = new Error('cleanup');
    try {
      const stage = aclosing(probe({ returnError: cleanup }));
      await stage.next();
      await expect(stage.return()).rejects.toBe(cleanup);
    } finally {
      stopThrowing();
      stopRecording();
    }
    expect(received).toEqual([{ type: 'cleanup-error', stage: 'aclosing', error: cleanup }]);
    expect(printed.mock.calls).toEqual([['iterscope: a report listener threw', listenerError]]);
  });
});
