import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  aclosing,
  batchTime,
  buffered,
  concat,
  configure,
  debounce,
  flatMap,
  switchMap,
  takeUntil,
  share,
  tee,
  type Stage,
  map,
  merge,
  pipe,
  race,
  withCleanup,
  zip,
  type Exit,
  type Report,
} from 'iterscope';
import { probe, recordReports } from '../helpers/probe.js';
import { collectUntil, gc } from '../helpers/collect.js';

// C7: the safety net. These tests need --expose-gc (set for every test worker).


let recorded: ReturnType<typeof recordReports>;
beforeEach(() => {
  recorded = recordReports();
});
afterEach(() => {
  recorded.stop();
});

const abandonedReports = (): Report[] => recorded.reports.filter((r) => r.type === 'abandoned');

// Each scenario builds and drops its stream inside a function of its own, so no local of
// the test keeps it reachable.
async function abandonChain(exits: Exit[], log: string[]): Promise<void> {
  async function* source() {
    try {
      yield 1;
      yield 2;
    } finally {
      log.push('source finally');
    }
  }
  const stream = pipe(
    source(),
    withCleanup((exit) => exits.push(exit)),
    map((x: number) => x * 2),
  );
  await stream.next();
}

describe('C7 abandonment', () => {
  it('runs the finalizers of an abandoned chain, closes its generator source and reports the leak once', async () => {
    expect(typeof gc).toBe('function');
    const exits: Exit[] = [];
    const log: string[] = [];
    await abandonChain(exits, log);
    await collectUntil(() => exits.length > 0 && abandonedReports().length > 0 && log.length > 0);
    expect(exits).toEqual([{ outcome: 'abandoned' }]);
    // The generator was suspended at a yield: the safety net's return() runs its finally,
    // which plain JavaScript never does for an abandoned generator.
    expect(log).toEqual(['source finally']);
    expect(abandonedReports()).toEqual([{ type: 'abandoned', stage: 'withCleanup+map', createdAt: undefined }]);
  });

  it('collects a stage whose read is parked on an async generator (the record must not keep it alive)', async () => {
    const exits: Exit[] = [];
    await (async () => {
      async function* stalls() {
        yield 1;
        await new Promise(() => undefined); // the upstream stalls forever
      }
      const stream = pipe(stalls(), withCleanup((exit) => exits.push(exit)));
      await stream.next();
      void stream.next(); // parked: the generator's pending promise now holds the stage
    })();
    await collectUntil(() => exits.length > 0 && abandonedReports().length > 0);
    expect(exits).toEqual([{ outcome: 'abandoned' }]);
    expect(abandonedReports()).toHaveLength(1);
  });

  it('records where the stage was created when leak tracking is on', async () => {
    const previous = configure({ leakTracking: true });
    try {
      await abandonChain([], []);
    } finally {
      configure(previous);
    }
    await collectUntil(() => abandonedReports().length > 0);
    const report = abandonedReports()[0];
    expect(report?.type).toBe('abandoned');
    expect(report?.type === 'abandoned' ? report.createdAt : '').toMatch(/c7-abandonment\.test\.ts/);
  });

  it('reports nothing for streams that finished or were closed, and never calls their cleanup twice', async () => {
    const exits: Exit[] = [];
    await (async () => {
      const finished = pipe([1, 2], withCleanup((e) => exits.push(e)));
      for await (const _ of finished) { /* drain */ }
      const closed = pipe(probe(), withCleanup((e) => exits.push(e)));
      await closed.next();
      await closed.return();
    })();
    for (let i = 0; i < 10; i++) {
      gc?.();
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(exits).toEqual([{ outcome: 'completed' }, { outcome: 'cancelled' }]);
    expect(abandonedReports()).toEqual([]);
  });

  it('a stream over an iterable that was never opened ends its cleanups but reports no leak', async () => {
    const exits: Exit[] = [];
    (() => {
      pipe([1, 2, 3], withCleanup((e) => exits.push(e)));
    })();
    await collectUntil(() => exits.length > 0);
    expect(exits).toEqual([{ outcome: 'abandoned' }]);
    expect(abandonedReports()).toEqual([]);
  });

  it('never keeps a stage alive: a stage listening to a long-lived signal is still collected', async () => {
    const controller = new AbortController();
    let collected = false;
    const registry = new FinalizationRegistry(() => {
      collected = true;
    });
    await (async () => {
      const stage = aclosing(probe(), { signal: controller.signal });
      registry.register(stage, undefined);
      await stage.next();
    })();
    await collectUntil(() => collected && abandonedReports().length > 0);
    expect(collected).toBe(true);
    expect(abandonedReports()).toHaveLength(1);
    // The listener left behind finds its stage gone and does nothing: no call, no throw.
    const thrown: unknown[] = [];
    const onUncaught = (error: unknown): void => {
      thrown.push(error);
    };
    (globalThis as { process?: typeof process }).process?.on('uncaughtException', onUncaught); // Node only; elsewhere the runtime matrix fails on any unhandled error itself
    try {
      controller.abort();
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      (globalThis as { process?: typeof process }).process?.off('uncaughtException', onUncaught); // Node only; elsewhere the runtime matrix fails on any unhandled error itself
    }
    expect(thrown).toEqual([]);
    expect(recorded.reports.filter((r) => r.type !== 'abandoned')).toEqual([]);
  });
});

// An async generator parked on an upstream that went quiet: its pending promise holds the
// stage that reads it, and nothing else holds either.
async function* parked(): AsyncGenerator<number> {
  yield* [];
  await new Promise(() => undefined);
}

describe('C7 abandonment of multi-source stages parked on a foreign source', () => {
  // Each builds its stream, leaves one read parked on a foreign generator, and drops it.
  const cases: [string, (other: ReturnType<typeof probe>) => AsyncIterator<unknown>, boolean][] = [
    ['zip', (other) => zip(parked(), other), true],
    ['concat', (other) => concat(parked(), other), true],
    ['merge', (other) => merge(parked(), other), true],
    ['race', () => race(parked(), parked()), false],
    ['buffered', () => pipe(parked(), buffered(2)), false],
    ['debounce', () => pipe(parked(), debounce(60_000)), false],
    ['batchTime', () => pipe(parked(), batchTime(60_000, 2)), false],
    ['flatMap', (other) => pipe(other, flatMap(() => parked())), true],
    ['switchMap', (other) => pipe(other, switchMap(() => parked())), true],
  ];
  for (const [name, build, closesOther] of cases) {
    it(`${name}: reported abandoned, and its sources closed`, async () => {
      const other = probe({ name: 'other' });
      await (async () => {
        const stream = build(other);
        const first = stream.next();
        if (name === 'merge') await first; // the other source answered; the parked one still reads
        else void first;
      })();
      await collectUntil(() => abandonedReports().length > 0);
      expect(abandonedReports()).toEqual([{ type: 'abandoned', stage: name, createdAt: undefined }]);
      if (closesOther) expect(other.calls.return).toBe(1);
    });
  }
});

describe('C7: a stage listening to a long-lived signal', () => {
  it('takeUntil(signal) dropped unfinished is collected and reported while the signal lives on', async () => {
    const stop = new AbortController(); // lives on, never aborted
    await (async () => {
      const stage = pipe(probe({ name: 'src' }), takeUntil(stop.signal));
      await stage.next();
    })();
    await collectUntil(() => abandonedReports().length > 0);
    expect(abandonedReports().map((r) => r.stage)).toEqual(['takeUntil']);
    stop.abort(); // the listener left behind reaches nothing
  });

  it('takeUntil(promise) dropped unfinished is collected and reported while the promise stays pending', async () => {
    const never = new Promise<void>(() => undefined);
    await (async () => {
      const stage = pipe(probe({ name: 'src' }), takeUntil(never));
      await stage.next();
    })();
    await collectUntil(() => abandonedReports().length > 0);
    expect(abandonedReports().map((r) => r.stage)).toEqual(['takeUntil']);
  });
});

describe('C7: consumers of a shared source', () => {
  it('a tee branch dropped unfinished is reported and no longer holds the others back', async () => {
    const src = probe({ name: 'src' });
    const kept = await (async () => {
      // The second branch is never read: one item behind, its buffer full, it would hold the source back.
      const [k] = tee(src, 2, { bufferSize: 1 }) as [Stage<number>, Stage<number>];
      expect(await k.next()).toEqual({ done: false, value: 0 });
      return k;
    })();
    await collectUntil(() => abandonedReports().length > 0);
    expect(abandonedReports()).toEqual([{ type: 'abandoned', stage: 'tee', createdAt: undefined }]);
    expect(await kept.next()).toEqual({ done: false, value: 1 });
    expect(await kept.next()).toEqual({ done: false, value: 2 });
    expect(src.calls.return).toBe(0);
    await kept.return();
    expect(src.calls.return).toBe(1);
  });

  it('a consumer dropped before reading the source error: the error is reported, not lost (C5)', async () => {
    const error = new Error('nobody read this');
    await (async () => {
      const [a] = tee(probe({ throwAt: 1, error }), 2) as [Stage<number>, Stage<number>]; // the second never reads it
      await a.next();
      await a.next().catch(() => undefined);
    })();
    await collectUntil(() => recorded.reports.some((r) => r.type === 'late-error'));
    expect(recorded.reports.filter((r) => r.type === 'late-error')).toEqual([{ type: 'late-error', stage: 'tee', error }]);
    expect(abandonedReports()).toEqual([]); // the source had ended: nothing was left open
  });

  it('every consumer of a share dropped: the source is closed', async () => {
    const src = probe({ name: 'src' });
    await (async () => {
      const shared = share(src);
      const a = shared[Symbol.asyncIterator]();
      const b = shared[Symbol.asyncIterator]();
      await Promise.all([a.next(), b.next()]);
    })();
    await collectUntil(() => src.calls.return > 0 && abandonedReports().length >= 2);
    expect(src.calls.return).toBe(1);
    expect(abandonedReports().map((r) => r.stage)).toEqual(['share', 'share']);
  });
});

describe('C7: an error kept for the consumer does not keep its stage alive', () => {
  // V8 keeps an error's stack frames, with each frame's `this`, until the stack is read.
  // An error thrown from a callback the stage called holds the stage that way; kept in
  // the safety net's record (held by the registry), it would keep the stage reachable.
  it('a concurrent map dropped with a callback error read ahead is collected, reported, and the error reported', async () => {
    // Nothing here holds the error itself: only the stage (and its record) do.
    await (async () => {
      const stage = pipe(
        probe({ items: 3 }),
        map((x: number) => {
          if (x === 1) throw new Error('read ahead, never asked for'); // its stack is never read here
          return x;
        }, { concurrency: 2 }),
      );
      expect(await stage.next()).toEqual({ done: false, value: 0 });
      for (let i = 0; i < 10; i++) await Promise.resolve(); // the read ahead has failed
    })();
    await collectUntil(() => recorded.reports.some((r) => r.type === 'abandoned'));
    expect(recorded.reports.filter((r) => r.type === 'abandoned').map((r) => r.stage)).toEqual(['map']);
    expect(recorded.reports.some((r) => r.type === 'late-error' && (r.error as Error).message === 'read ahead, never asked for')).toBe(true);
  });
});

describe('C5/C7: an error kept for the consumer that is no object', () => {
  it.each([
    ['a string', 'read ahead, never asked for'],
    ['null', null],
    ['a number', 7],
  ])('is reported when the stage is abandoned (%s)', async (_label, thrown) => {
    await (async () => {
      const stage = pipe(
        probe({ items: 3 }),
        map((x: number) => {
          // eslint-disable-next-line @typescript-eslint/only-throw-error -- a callback that throws no Error object is the case under test
          if (x === 1) throw thrown;
          return x;
        }, { concurrency: 2 }),
      );
      expect(await stage.next()).toEqual({ done: false, value: 0 });
      for (let i = 0; i < 10; i++) await Promise.resolve(); // the read ahead has failed
    })();
    await collectUntil(() => recorded.reports.some((r) => r.type === 'abandoned') && recorded.reports.some((r) => r.type === 'late-error'));
    expect(recorded.reports.filter((r) => r.type === 'late-error')).toEqual([{ type: 'late-error', stage: 'map', error: thrown }]);
  });
});

describe('C7: sources that take a signal do not tie their stage to each other', () => {
  // The safety net holds a source strongly between reads (to close it on abandonment). If
  // every source shared one signal, a source held that way would reach, through that
  // signal, the abort listener of a sibling parked on a dead upstream, its pending read,
  // and so the stage: never collected. Each source gets a signal of its own.
  it('zip dropped while one source is parked on its signal and the other is idle holding its own is collected and reported', async () => {
    const handed: WeakRef<AbortSignal>[] = []; // weakly: a signal held here would hold the parked read
    const parked = {
      [Symbol.asyncIterator]: (signal?: AbortSignal): AsyncIterator<number> => {
        if (signal !== undefined) handed.push(new WeakRef(signal));
        return {
          next: () =>
            new Promise<IteratorResult<number>>((resolve) => {
              signal?.addEventListener('abort', () => {
                resolve({ done: true, value: undefined });
              });
            }),
        };
      },
    };
    const idle = {
      [Symbol.asyncIterator]: (signal?: AbortSignal): AsyncIterator<number> & { signal?: AbortSignal | undefined } => {
        if (signal !== undefined) handed.push(new WeakRef(signal));
        return { signal, next: () => Promise.resolve({ done: false, value: 1 }) };
      },
    };
    await (async () => {
      const stage = zip(parked, idle);
      void stage.next(); // reads both: `idle` answers, `parked` parks
      for (let i = 0; i < 10; i++) await Promise.resolve();
      expect(handed).toHaveLength(2);
      expect(handed[0]?.deref()).not.toBe(handed[1]?.deref());
    })();
    await collectUntil(() => recorded.reports.some((r) => r.type === 'abandoned'));
    expect(recorded.reports.filter((r) => r.type === 'abandoned').map((r) => r.stage)).toEqual(['zip']);
  });

  it('a close reason kept by a source (as fetch keeps its abort reason) does not keep the stage alive', async () => {
    const reasons: unknown[] = []; // held strongly, like a request object holding its abort reason
    const parked = {
      [Symbol.asyncIterator]: (): AsyncIterator<number> => ({ next: () => new Promise<never>(() => undefined) }),
    };
    const finishing = {
      [Symbol.asyncIterator]: (signal?: AbortSignal): AsyncIterator<number> => {
        signal?.addEventListener('abort', () => reasons.push(signal.reason));
        return { next: () => Promise.resolve({ done: true, value: undefined }) };
      },
    };
    await (async () => {
      const stage = merge(parked, finishing);
      void stage.next(); // `finishing` ends at once: its signal aborts (the stage is done with it)
      for (let i = 0; i < 10; i++) await Promise.resolve();
    })();
    await collectUntil(() => recorded.reports.some((r) => r.type === 'abandoned'));
    expect(reasons).toHaveLength(1);
    expect(recorded.reports.filter((r) => r.type === 'abandoned').map((r) => r.stage)).toEqual(['merge']);
  });

  it('C3: a stage collected unfinished aborts the signals its sources took, as any stop does', async () => {
    const heard: string[] = [];
    const source = {
      // Like an SDK stream between chunks: it keeps its signal, and is idle.
      [Symbol.asyncIterator]: (signal?: AbortSignal): AsyncIterator<number> & { signal?: AbortSignal | undefined } => {
        signal?.addEventListener('abort', () => heard.push((signal.reason as Error).message));
        return { signal, next: () => Promise.resolve({ done: false, value: 1 }) };
      },
    };
    await (async () => {
      const stage = pipe(source, map((x: number) => x));
      expect(await stage.next()).toEqual({ done: false, value: 1 });
    })();
    await collectUntil(() => recorded.reports.some((r) => r.type === 'abandoned') && heard.length > 0);
    expect(recorded.reports.filter((r) => r.type === 'abandoned').map((r) => r.stage)).toEqual(['map']);
    expect(heard).toEqual(['iterscope: map stopped (abandoned)']);
  });
});

describe('C7: what goes wrong while the safety net closes an abandoned stage is reported', () => {
  const cleanupErrors = (): Report[] => recorded.reports.filter((r) => r.type === 'cleanup-error');

  it('a cleanup that throws on abandonment is reported as a cleanup error of its stage', async () => {
    const error = new Error('cleanup threw');
    await (async () => {
      const stage = pipe(
        probe(),
        withCleanup(() => {
          throw error;
        }),
      );
      await stage.next();
    })();
    await collectUntil(() => cleanupErrors().length > 0 && abandonedReports().length > 0);
    expect(cleanupErrors()).toEqual([{ type: 'cleanup-error', stage: 'withCleanup', error }]);
    expect(abandonedReports().map((r) => r.stage)).toEqual(['withCleanup']);
  });

  it('an async cleanup that rejects on abandonment is reported as a cleanup error of its stage', async () => {
    const error = new Error('cleanup rejected');
    await (async () => {
      const stage = pipe(
        probe(),
        withCleanup(() => Promise.reject(error)),
      );
      await stage.next();
    })();
    await collectUntil(() => cleanupErrors().length > 0);
    expect(cleanupErrors()).toEqual([{ type: 'cleanup-error', stage: 'withCleanup', error }]);
  });

  it.each([
    ['rejects', (error: Error) => () => Promise.reject(error)],
    [
      'throws',
      (error: Error) => () => {
        throw error;
      },
    ],
  ])("a foreign source whose return() %s when the safety net closes it is reported", async (_how, makeReturn) => {
    const error = new Error('return failed');
    const closes: string[] = [];
    await (async () => {
      const source: AsyncIterator<number> = {
        next: () => Promise.resolve({ done: false, value: 1 }),
        return: () => {
          closes.push('return');
          return makeReturn(error)();
        },
      };
      const stage = pipe(source, map((x: number) => x));
      await stage.next();
    })();
    await collectUntil(() => cleanupErrors().length > 0 && abandonedReports().length > 0);
    expect(closes).toEqual(['return']);
    expect(cleanupErrors()).toEqual([{ type: 'cleanup-error', stage: 'map', error }]);
    expect(abandonedReports().map((r) => r.stage)).toEqual(['map']);
  });

  it('a foreign source without return() is left as it is; the leak is still reported', async () => {
    await (async () => {
      const source: AsyncIterator<number> = { next: () => Promise.resolve({ done: false, value: 1 }) };
      const stage = pipe(source, map((x: number) => x));
      await stage.next();
    })();
    await collectUntil(() => abandonedReports().length > 0);
    expect(abandonedReports().map((r) => r.stage)).toEqual(['map']);
    expect(cleanupErrors()).toEqual([]);
  });
});

describe('C5/C7: an error that arrives after its stage was collected', () => {
  it("race collected while a loser is still closing: the loser's close error is reported late, not lost", async () => {
    const error = new Error('loser failed to close');
    let failClose: (() => void) | undefined;
    const loser: AsyncIterator<number> = {
      next: () => new Promise<never>(() => undefined), // never answers: it loses
      return: () =>
        new Promise<never>((_resolve, reject) => {
          failClose = () => {
            reject(error);
          };
        }),
    };
    await (async () => {
      const stage = race(probe({ name: 'winner' }), loser);
      expect(await stage.next()).toEqual({ done: false, value: 0 }); // the loser is being closed
    })();
    await collectUntil(() => abandonedReports().length > 0);
    expect(abandonedReports().map((r) => r.stage)).toEqual(['race']);
    expect(recorded.reports.filter((r) => r.type === 'late-error')).toEqual([]);
    failClose?.();
    await collectUntil(() => recorded.reports.some((r) => r.type === 'late-error'));
    expect(recorded.reports.filter((r) => r.type === 'late-error')).toEqual([{ type: 'late-error', stage: 'race', error }]);
  });
});
