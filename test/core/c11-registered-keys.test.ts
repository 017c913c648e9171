import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { aclosing, defineOperator, flatMap, map, merge, pipe, toArray, withCleanup, type Exit, type Report } from 'iterscope';
import { recordReports, ticks } from '../helpers/probe.js';

// C11, in process: another copy of iterscope (the CommonJS build beside the ESM one, or
// another release on the same protocol version) knows this copy's shared keys only by their
// registered names. Each value below is built the way such a copy builds it: from the name,
// never from this copy's exports. (c11-copies.test.ts runs two real builds in a child
// process.)

let recorded: ReturnType<typeof recordReports>;
beforeEach(() => {
  recorded = recordReports();
});
afterEach(() => {
  recorded.stop();
});

describe('C11: step answers from another copy', () => {
  it('skip, stop and many() made by another copy mean the same here', async () => {
    const otherSkip = Symbol.for('iterscope.step.skip.v1');
    const otherStop = Symbol.for('iterscope.step.stop.v1');
    const otherMany = (items: unknown[]): object => ({ [Symbol.for('iterscope.step.many.v1')]: items });
    const op = defineOperator('other', {
      step: (x: number) => (x === 1 ? otherSkip : x === 2 ? otherMany([2, 20]) : x === 4 ? otherStop : x) as never,
    });
    expect(await toArray(pipe([1, 2, 3, 4, 5], op))).toEqual([2, 20, 3]);
  });
});

describe('C11: the scope a source of another copy offers (C8)', () => {
  it('flatMap runs fn inside it', async () => {
    let inside = false;
    const seen: boolean[] = [];
    const source = {
      [Symbol.for('iterscope.sourceScope.v1')]: {
        run<R>(fn: () => R): R {
          inside = true;
          try {
            return fn();
          } finally {
            inside = false;
          }
        },
      },
      *[Symbol.iterator]() {
        yield 1;
      },
    };
    const out = await toArray(
      pipe(
        source,
        flatMap((x: number) => {
          seen.push(inside);
          return [x];
        }),
      ),
    );
    expect(out).toEqual([1]);
    expect(seen).toEqual([true]);
  });
});

describe('C11: the process-wide state another copy shares', () => {
  it('a listener that another copy registered receives this copy’s reports', async () => {
    const shared = (globalThis as unknown as Record<symbol, { listeners: Set<(r: Report) => void> } | undefined>)[
      Symbol.for('iterscope.runtime.v1')
    ];
    const fromOther: Report[] = [];
    const listener = (r: Report): void => {
      fromOther.push(r);
    };
    expect(shared).toBeDefined();
    shared?.listeners.add(listener);
    try {
      const failure = new Error('close failed');
      const stage = aclosing({
        next: () => Promise.resolve({ done: false, value: 1 }),
        return: () => Promise.reject(failure),
      });
      await stage.next();
      await expect(stage.return()).rejects.toBe(failure);
      expect(fromOther).toEqual([{ type: 'cleanup-error', stage: 'aclosing', error: failure }]);
    } finally {
      shared?.listeners.delete(listener);
    }
  });
});

/** A stage of another copy, speaking the v1 protocol by its registered keys, that logs each call. */
function otherCopysStage(
  log: string[],
  options: {
    readFails?: unknown;
    abortedBy?: boolean;
    closeError?: unknown;
    olderRelease?: boolean;
    /** Replaces the close: what it returns (or throws) is the whole answer. */
    close?: () => unknown;
  } = {},
): AsyncIterator<number> {
  const key = (name: string): symbol => Symbol.for(`iterscope.stage.${name}.v1`);
  let n = 0;
  const stage = {
    next: () => {
      log.push('next');
      return Promise.resolve({ done: false, value: n++ });
    },
    return: () => {
      log.push('return');
      return Promise.resolve({ done: true, value: undefined });
    },
    [key('close')]: (exit: Exit): unknown => {
      log.push(`close ${exit.outcome}`);
      if (options.close !== undefined) return options.close();
      return Promise.resolve('closeError' in options ? options.closeError : Symbol.for('iterscope.noError.v1'));
    },
    [key('adopt')]: (): void => {
      log.push('adopt');
    },
    [key('abortedBy')]: (error: unknown): boolean => {
      log.push('abortedBy');
      return options.abortedBy === true && error === options.readFails;
    },
    // A release before direct reads answers next() only (neither has the signal lookup).
    ...(options.olderRelease === true
      ? {}
      : {
          [key('read')]: (reader: { item(value: unknown): void; reject(error: unknown): void }): void => {
            log.push('read');
            if ('readFails' in options) reader.reject(options.readFails);
            else reader.item(n++);
          },
        }),
  };
  return stage as AsyncIterator<number>;
}

describe('C11: a stage of another copy', () => {
  it('is adopted, read directly and closed through the protocol, not through next() and return()', async () => {
    const log: string[] = [];
    const stage = pipe(otherCopysStage(log), map((x: number) => x * 10));
    expect(await stage.next()).toEqual({ done: false, value: 0 });
    expect(await stage.return()).toEqual({ done: true, value: undefined });
    expect(log).toEqual(['adopt', 'read', 'close cancelled']);
    expect(recorded.reports).toEqual([]);
  });

  it('of an older release, without direct reads, is read through next()', async () => {
    const log: string[] = [];
    const stage = pipe(otherCopysStage(log, { olderRelease: true }), map((x: number) => x * 10));
    expect(await stage.next()).toEqual({ done: false, value: 0 });
    expect(await stage.next()).toEqual({ done: false, value: 10 });
    await stage.return();
    expect(log).toEqual(['adopt', 'next', 'next', 'close cancelled']);
  });

  it('a close error it resolves to reaches return()', async () => {
    const log: string[] = [];
    const failure = new Error('other close failed');
    const stage = pipe(otherCopysStage(log, { closeError: failure }), map((x: number) => x));
    await stage.next();
    await expect(stage.return()).rejects.toBe(failure);
  });

  it('an error it says it was aborted by ends the stages above as aborted, with that reason', async () => {
    const log: string[] = [];
    const reason = new Error('aborted below');
    const exits: Exit[] = [];
    const stage = pipe(otherCopysStage(log, { readFails: reason, abortedBy: true }), withCleanup((exit) => exits.push(exit)));
    await expect(stage.next()).rejects.toBe(reason);
    expect(log).toContain('abortedBy');
    // An abort rejects the pending next() at once; the close, and the cleanup that sees
    // the exit, finish in the background.
    await ticks(5);
    expect(exits).toEqual([{ outcome: 'aborted', reason }]);
  });

  it('an error it was not aborted by stays an error', async () => {
    const log: string[] = [];
    const failure = new Error('read failed');
    const exits: Exit[] = [];
    const stage = pipe(otherCopysStage(log, { readFails: failure, abortedBy: false }), withCleanup((exit) => exits.push(exit)));
    await expect(stage.next()).rejects.toBe(failure);
    expect(exits).toEqual([{ outcome: 'error', error: failure }]);
  });

  // The protocol says a close resolves to its error and never throws or rejects; a copy
  // that breaks that must not leave the close unsettled (C2) or its error unseen (C5).
  it.each([
    ['throws', (failure: Error) => () => {
      throw failure;
    }],
    ['answers its error without a promise', (failure: Error) => () => failure],
    ['rejects', (failure: Error) => () => Promise.reject(failure)],
  ] as const)('whose close %s: return() settles, rejecting with that error, reported once', async (_name, close) => {
    const log: string[] = [];
    const failure = new Error('other close broke the protocol');
    const stage = pipe(otherCopysStage(log, { close: close(failure) }), map((x: number) => x));
    await stage.next();
    let returned: Promise<unknown> | undefined;
    expect(() => {
      returned = stage.return();
    }).not.toThrow();
    await expect(returned).rejects.toBe(failure);
    expect(log).toContain('close cancelled');
    expect(recorded.reports).toEqual([{ type: 'cleanup-error', stage: 'map', error: failure }]);
  });

  it.each([
    ['throws', (failure: Error) => () => {
      throw failure;
    }],
    ['rejects', (failure: Error) => () => Promise.reject(failure)],
  ] as const)('whose close %s beside other sources: they are closed too, and return() waits for them (C1, C4)', async (_name, close) => {
    const log: string[] = [];
    const failure = new Error('other close broke the protocol');
    const sibling: AsyncIterator<number> & AsyncIterable<number> = {
      next: () => Promise.resolve({ done: false, value: 100 }),
      return: async () => {
        log.push('sibling return start');
        await new Promise((resolve) => setTimeout(resolve, 10));
        log.push('sibling return end');
        return { done: true, value: undefined };
      },
      [Symbol.asyncIterator]() {
        return this;
      },
    };
    const stage = merge(otherCopysStage(log, { close: close(failure) }), sibling);
    await stage.next();
    await stage.next();
    await expect(stage.return()).rejects.toBe(failure);
    log.push('return settled');
    expect(log.filter((entry) => !entry.startsWith('next') && entry !== 'read' && entry !== 'adopt')).toEqual([
      'close cancelled',
      'sibling return start',
      'sibling return end',
      'return settled',
    ]);
    expect(recorded.reports).toEqual([{ type: 'cleanup-error', stage: 'merge', error: failure }]);
  });
});
