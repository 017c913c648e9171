import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { abortable, configure, map, pipe, scoped, SuppressedError, take, withCleanup, type Exit, type Report, type Scope, type Source } from 'iterscope';
import { probe, recordReports, ticks } from '../helpers/probe.js';
import { outcome, watch } from '../helpers/contract.js';
import { collectUntil } from '../helpers/collect.js';

// The chain-of-generators case: the code reading an iterscope stream is itself an async
// generator (a subscription resolver). A plain generator cannot be closed while it is
// parked on its upstream; a scoped one closes what it owns first, and so can.

let recorded: ReturnType<typeof recordReports>;
beforeEach(() => {
  recorded = recordReports();
});
afterEach(() => {
  recorded.stop();
});

/** An upstream that yields one item, then parks forever (a stalled network read). */
function stalled(log: string[], name = 'upstream') {
  return probe({ name, parkAt: 1, log, returnTicks: 5 });
}

/** The resolver of the reference: reads the stream it owns, yields each item on. */
function resolverBody(log: string[], name = 'resolver') {
  return async function* ({ own }: Scope, source: Source<number>): AsyncGenerator<number> {
    try {
      for await (const x of own(source)) yield x;
    } finally {
      log.push(`${name}:finally`);
    }
  };
}

describe('scoped: the reference scenarios', () => {
  it('framework drops the resolver: return() while parked closes the upstream, then runs finally, at once', async () => {
    const log: string[] = [];
    const upstream = stalled(log);
    const resolver = scoped(resolverBody(log))(upstream);
    expect(await resolver.next()).toEqual({ done: false, value: 0 });
    const pending = watch(resolver.next());
    await ticks(5);
    expect(pending.settled).toBe(false);
    const closing = resolver.return();
    await ticks(2);
    // C2: the pending next() is answered at once; C4: upstream closed before the finally;
    // no straggler: the close did not wait for the parked read.
    expect(pending.value).toEqual({ done: true, value: undefined });
    await closing;
    expect(log).toEqual(['upstream:next', 'upstream:next', 'upstream:return:start', 'upstream:return:end', 'resolver:finally']);
    expect(upstream.calls.return).toBe(1);
    expect(recorded.reports).toEqual([]);
  });

  it('a plain generator resolver in the same place stays parked (what scoped fixes)', async () => {
    const log: string[] = [];
    async function* plain(source: AsyncIterable<number>): AsyncGenerator<number> {
      try {
        for await (const x of source) yield x;
      } finally {
        log.push('resolver:finally');
      }
    }
    const resolver = plain(stalled(log));
    await resolver.next();
    const pending = watch(resolver.next());
    const closing = watch(resolver.return(undefined));
    await ticks(50);
    expect(pending.settled).toBe(false);
    expect(closing.settled).toBe(false);
    expect(log).not.toContain('resolver:finally');
  });

  it('consumer raises while a read is pending: the close it triggers completes at once, in order', async () => {
    const log: string[] = [];
    const exits: Exit[] = [];
    const resolver = scoped(resolverBody(log))(pipe(stalled(log), withCleanup((exit) => exits.push(exit))));
    const consumerError = new Error('consumer gave up');
    const consume = async (): Promise<void> => {
      for await (const x of resolver) {
        // The consumer waits for the next item only so long, then raises; `for await`
        // then calls return() while the read is still parked.
        const next = resolver.next();
        void next.catch(() => undefined);
        await ticks(5);
        log.push(`consumer:raises after ${String(x)}`);
        throw consumerError;
      }
    };
    expect(await outcome(consume())).toEqual({ ok: false, value: consumerError });
    expect(log).toEqual([
      'upstream:next',
      'upstream:next',
      'consumer:raises after 0',
      'upstream:return:start',
      'upstream:return:end',
      'resolver:finally',
    ]);
    expect(exits).toEqual([{ outcome: 'cancelled' }]);
    expect(recorded.reports).toEqual([]);
  });

  it('an abort rejects the pending next() with the reason; the body sees the same reason; the chain ends aborted', async () => {
    const log: string[] = [];
    const exits: Exit[] = [];
    const seen: unknown[] = [];
    const controller = new AbortController();
    const resolver = scoped(
      async function* ({ own }, source: Source<number>) {
        try {
          for await (const x of own(pipe(source, withCleanup((exit) => exits.push(exit))))) yield x;
        } catch (error) {
          seen.push(error);
          throw error;
        } finally {
          log.push('resolver:finally');
        }
      },
      { signal: controller.signal },
    )(stalled(log));
    await resolver.next();
    const pending = outcome(resolver.next());
    await ticks(3);
    const reason = { why: 'client left' };
    controller.abort(reason);
    expect(await pending).toEqual({ ok: false, value: reason });
    await ticks(25); // the abort travels down and the close back up (21 ticks today)
    expect(seen).toEqual([reason]);
    expect(seen[0]).toBe(reason);
    expect(exits).toEqual([{ outcome: 'aborted', reason }]);
    expect(log.slice(-3)).toEqual(['upstream:return:start', 'upstream:return:end', 'resolver:finally']);
    expect(recorded.reports).toEqual([]);
  });
});

describe('scoped: aborted from outside (an owner stage is aborted)', () => {
  it('the owned reads reject with the reason; the body rethrowing it is not reported', async () => {
    const log: string[] = [];
    const seen: unknown[] = [];
    const controller = new AbortController();
    const stream = pipe(
      stalled(log),
      scoped(async function* ({ own }, source: Source<number>) {
        try {
          for await (const x of own(source)) yield x;
        } catch (error) {
          seen.push(error);
          throw error;
        }
      }),
      abortable(controller.signal),
    );
    await stream.next();
    const pending = outcome(stream.next());
    await ticks(3);
    const reason = { why: 'request ended' };
    controller.abort(reason);
    expect(await pending).toEqual({ ok: false, value: reason });
    await ticks(30);
    expect(seen).toEqual([reason]);
    expect(recorded.reports).toEqual([]);
  });
});

describe('scoped: signal', () => {
  it('aborts with an AbortError naming the stage and the outcome on return()', async () => {
    let signal: AbortSignal | undefined;
    const stream = scoped(async function* (scope) {
      signal = scope.signal;
      yield* scope.own([1, 2, 3]);
    })();
    await stream.next();
    expect(signal?.aborted).toBe(false);
    await stream.return();
    expect(signal?.aborted).toBe(true);
    expect((signal?.reason as Error).name).toBe('AbortError');
    expect((signal?.reason as Error).message).toBe('iterscope: scoped stopped (cancelled)');
  });

  it("aborts with the abort's own reason", async () => {
    let signal: AbortSignal | undefined;
    const controller = new AbortController();
    const stream = scoped(
      async function* (scope) {
        signal = scope.signal;
        yield* scope.own(probe({ parkAt: 1 }));
      },
      { signal: controller.signal },
    )();
    await stream.next();
    const pending = outcome(stream.next());
    const reason = new Error('stop');
    controller.abort(reason);
    expect(await pending).toEqual({ ok: false, value: reason });
    expect(signal?.reason).toBe(reason);
  });

  it('is handed to owned sources that take a signal, so a stalled read stops', async () => {
    const log: string[] = [];
    const upstream = {
      async *[Symbol.asyncIterator](signal?: AbortSignal) {
        try {
          yield 1;
          await new Promise((_, reject) => {
            signal?.addEventListener('abort', () => {
              reject(signal.reason as Error);
            });
          });
        } finally {
          log.push(`upstream:finally (${String(signal?.aborted)})`);
        }
      },
    };
    const stream = scoped(async function* ({ own }) {
      try {
        yield* own(upstream);
      } finally {
        log.push('resolver:finally');
      }
    })();
    await stream.next();
    const pending = stream.next();
    await stream.return();
    expect(await pending).toEqual({ done: true, value: undefined });
    expect(log).toEqual(['upstream:finally (true)', 'resolver:finally']);
    expect(recorded.reports).toEqual([]);
  });
});

describe('scoped: a chain of three scoped generators', () => {
  it('closes from the outside in one step, innermost first, with no straggler', async () => {
    const log: string[] = [];
    const upstream = stalled(log);
    const c = scoped(resolverBody(log, 'C'));
    const b = scoped(resolverBody(log, 'B'));
    const a = scoped(resolverBody(log, 'A'));
    const stream = a(b(c(upstream)));
    expect(await stream.next()).toEqual({ done: false, value: 0 });
    const pending = watch(stream.next());
    await ticks(10);
    await stream.return();
    expect(pending.value).toEqual({ done: true, value: undefined });
    expect(log.slice(2)).toEqual(['upstream:return:start', 'upstream:return:end', 'C:finally', 'B:finally', 'A:finally']);
    expect(recorded.reports).toEqual([]);
  });

  it('the same chain in pipe', async () => {
    const log: string[] = [];
    const stream = pipe(stalled(log), scoped(resolverBody(log, 'C')), scoped(resolverBody(log, 'B')), scoped(resolverBody(log, 'A')));
    await stream.next();
    const pending = watch(stream.next());
    await ticks(10);
    await stream.return();
    expect(pending.value).toEqual({ done: true, value: undefined });
    expect(log.slice(2)).toEqual(['upstream:return:start', 'upstream:return:end', 'C:finally', 'B:finally', 'A:finally']);
    expect(recorded.reports).toEqual([]);
  });
});

describe('scoped: as an operator', () => {
  it('works inside pipe, and the map after it runs inside it', async () => {
    const pairs = scoped(async function* ({ own }, source: Source<number>) {
      let previous: number | undefined;
      for await (const x of own(source)) {
        if (previous !== undefined) yield previous + x;
        previous = x;
      }
    });
    const out: number[] = [];
    for await (const x of pipe([1, 2, 3, 4], pairs, map((x: number) => x * 10), take(2))) out.push(x);
    expect(out).toEqual([30, 50]);
  });

  it('C1: an iterator handed in is closed even when the body never started', async () => {
    const upstream = probe();
    const stream = scoped(resolverBody([]))(upstream);
    await stream.return();
    expect(upstream.calls.return).toBe(1);
    expect(upstream.calls.next).toBe(0);
  });

  it('C1: an owned iterator that reported done is not closed again', async () => {
    const upstream = probe({ items: 2 });
    const out: number[] = [];
    for await (const x of scoped(resolverBody([]))(upstream)) out.push(x);
    expect(out).toEqual([0, 1]);
    expect(upstream.calls.return).toBe(0);
  });

  it('closes a stream the body owned but left unfinished when the body returns', async () => {
    const upstream = probe();
    const stream = scoped(async function* ({ own }, source: Source<number>) {
      const it = own(source);
      const first = await it.next();
      if (first.done !== true) yield first.value;
    })(upstream);
    expect(await stream.next()).toEqual({ done: false, value: 0 });
    expect(await stream.next()).toEqual({ done: true, value: undefined });
    expect(upstream.calls.return).toBe(1);
  });
});

describe('scoped: C2 a body parked on what it does not own', () => {
  it('is waited for up to closeTimeout, then reported as a straggler; the consumer is free at once', async () => {
    const stream = scoped(
      async function* ({ own }) {
        yield* own([1]);
        await new Promise<never>(() => undefined); // no owned stream, no signal: nothing can end this
      },
      { closeTimeout: 20 },
    )();
    await stream.next();
    const pending = watch(stream.next());
    await ticks(5);
    const closing = stream.return();
    await ticks(2);
    expect(pending.value).toEqual({ done: true, value: undefined });
    await closing;
    expect(recorded.reports.map((r) => `${r.type} ${r.stage}`)).toEqual(['straggler scoped']);
  });
});

/**
 * Waits as Node's `timers/promises` setTimeout or `fetch` do with a signal: an abort rejects
 * with a new AbortError, not with `signal.reason` (written here, so the file runs on every runtime).
 */
function abortableWait(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const aborted = (): DOMException => new DOMException('The operation was aborted', 'AbortError');
    if (signal.aborted) {
      reject(aborted());
      return;
    }
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(aborted());
      },
      { once: true },
    );
  });
}

describe('scoped: how a body that was closed may end', () => {
  it("rejecting with an AbortError of its own making (Node's timers, fetch) is the close it asked for", async () => {
    const stream = scoped(async function* ({ own, signal }) {
      yield* own([1]);
      await abortableWait(60_000, signal); // rejects with a new AbortError, not signal.reason
    })();
    await stream.next();
    const pending = stream.next();
    expect(await stream.return()).toEqual({ done: true, value: undefined });
    expect(await pending).toEqual({ done: true, value: undefined });
    await ticks(10);
    expect(recorded.reports).toEqual([]);
  });

  it('an error after the close deadline passed is reported as late, once', async () => {
    let fail: (error: unknown) => void = () => undefined;
    const stream = scoped(
      async function* ({ own }) {
        yield* own([1]);
        await new Promise((_resolve, reject) => {
          fail = reject; // nothing the scope owns: only the deadline ends the wait
        });
      },
      { closeTimeout: 0 },
    )();
    await stream.next();
    void stream.next();
    await ticks(5);
    expect(await stream.return()).toEqual({ done: true, value: undefined });
    const late = new Error('failed after the deadline');
    fail(late);
    await ticks(10);
    expect(recorded.reports.map((r) => r.type)).toEqual(['straggler', 'late-error']);
    expect(recorded.reports[1]).toEqual({ type: 'late-error', stage: 'scoped', error: late });
  });
});

describe('scoped: C5 errors', () => {
  it("an owned stream's close error reaches return()", async () => {
    const closeError = new Error('close failed');
    const stream = scoped(resolverBody([]))(probe({ parkAt: 1, returnError: closeError }));
    await stream.next();
    void stream.next();
    expect(await outcome(stream.return())).toEqual({ ok: false, value: closeError });
  });

  it("two owned streams' close errors: one AggregateError; the body's finally error attached after", async () => {
    const e1 = new Error('close 1');
    const e2 = new Error('close 2');
    const finallyError = new Error('finally failed');
    const stream = scoped(async function* ({ own }) {
      const other = own(probe({ returnError: e2 }));
      await other.next();
      try {
        yield* own(probe({ parkAt: 1, returnError: e1 }));
      } finally {
        // eslint-disable-next-line no-unsafe-finally -- the body's cleanup failing is the case under test
        throw finallyError;
      }
    })();
    await stream.next();
    void stream.next();
    const result = await outcome(stream.return());
    expect(result.ok).toBe(false);
    const error = result.value as SuppressedError;
    expect(error).toBeInstanceOf(SuppressedError);
    expect(error.error).toBe(finallyError);
    expect(error.suppressed).toBeInstanceOf(AggregateError);
    expect((error.suppressed as AggregateError).errors).toEqual([e2, e1]);
    expect((error.suppressed as AggregateError).message).toBe('scoped: several owned streams failed to close.');
    expect(recorded.reports.filter((r) => r.type === 'late-error')).toEqual([]);
  });
});

describe('scoped: own() after the scope stopped (from the body\'s finally)', () => {
  it('closes the stream at once, exactly once, and reports nothing when the close is clean', async () => {
    const late = probe();
    const stream = scoped(async function* ({ own }) {
      try {
        yield* own([1, 2]);
      } finally {
        own(late);
      }
    })();
    await stream.next();
    await stream.return();
    await ticks(10);
    expect(late.calls.return).toBe(1);
    expect(recorded.reports).toEqual([]);
  });

  it('reports its close error, as nobody waits for that close', async () => {
    const closeError = new Error('late close failed');
    const late = probe({ returnError: closeError });
    const stream = scoped(async function* ({ own }) {
      try {
        yield* own([1, 2]);
      } finally {
        own(late);
      }
    })();
    await stream.next();
    await stream.return();
    await ticks(10);
    expect(late.calls.return).toBe(1);
    expect(recorded.reports).toEqual([{ type: 'cleanup-error', stage: 'scoped: own', error: closeError }]);
  });
});

describe('scoped: closeTimeout', () => {
  it('is the close deadline of each owned stream too, when the body closes one itself', async () => {
    const previous = configure({ closeTimeout: 60_000 });
    try {
      const stream = scoped(
        async function* ({ own }) {
          // The owned stream's close never settles: the break waits for it up to the deadline.
          for await (const _ of own(probe({ returnParks: true }))) break;
          yield 'after';
        },
        { closeTimeout: 0 },
      )();
      expect(await stream.next()).toEqual({ done: false, value: 'after' });
      expect(recorded.reports.map((r) => `${r.type} ${r.stage}`)).toEqual(['straggler scoped: own']);
      await stream.return();
    } finally {
      configure(previous);
    }
  });
});

describe('scoped: a body that is a plain function returning an iterator (it runs at the call)', () => {
  it('C1: an argument it owned at once is closed once, by its owned stream, when the stage is closed before it is read', async () => {
    const upstream = probe();
    const stage = scoped((scope: Scope, source: AsyncIterator<number>) => {
      const owned = scope.own(source);
      return (async function* () {
        yield* owned;
      })();
    })(upstream);
    await stage.return();
    expect(upstream.calls.return).toBe(1);
  });

  it("C5: an owned stream's close error reaches return() beside an argument with nothing to close", async () => {
    const closeError = new Error('close failed');
    const noReturn: AsyncIterator<number> = { next: () => Promise.resolve({ done: true, value: undefined }) };
    const stage = scoped((scope: Scope, _source: AsyncIterator<number>) => {
      scope.own(probe({ returnError: closeError }));
      return (async function* () {
        yield* [1];
      })();
    })(noReturn);
    expect(await outcome(stage.return())).toEqual({ ok: false, value: closeError });
  });
});

describe('scoped: C10 bad input', () => {
  it('checks the body and the options at the call', () => {
    const empty = async function* (): AsyncGenerator<never> {
      // nothing to yield
    };
    expect(() => scoped(42 as never)).toThrow(new TypeError('scoped: expected `body` to be a function, got `42` (number).'));
    expect(() => scoped(empty, { closeTimeout: -1 })).toThrow(RangeError);
    expect(() => scoped(empty, { closeTimeout: -1 })).toThrow(/^scoped: expected `options.closeTimeout` to be a number of milliseconds/);
    expect(() => scoped(empty, { signal: 'no' as never })).toThrow(
      /scoped: expected `options.signal` to be an AbortSignal/,
    );
    expect(() => scoped(empty, 'fast' as never)).toThrow(/scoped: expected `options` to be an object/);
  });

  it('a body that returns no async iterator fails when the scoped function is called', () => {
    const notGenerator = scoped((async () => 1) as never);
    expect(() => notGenerator()).toThrow(/scoped: expected `body` to return an async iterator .*got an instance of Promise/);
  });

  it('a body that returns nothing fails with the same message', () => {
    const returnsNothing = scoped((() => undefined) as never);
    expect(() => returnsNothing()).toThrow(/scoped: expected `body` to return an async iterator .*got `undefined`/);
  });

  it('a body may return an async iterable that is no iterator', async () => {
    const fromIterable = scoped((_scope: Scope, n: number) => ({
      async *[Symbol.asyncIterator]() {
        yield n;
      },
    }));
    const out: number[] = [];
    for await (const x of fromIterable(7)) out.push(x);
    expect(out).toEqual([7]);
  });

  it('arguments that are no iterators (null, numbers) are handed to the body and never closed', async () => {
    const seen: unknown[] = [];
    const fn = scoped(async function* (_scope: Scope, a: null, b: number) {
      seen.push(a, b);
      yield b;
    });
    const read = fn(null, 3);
    expect(await read.next()).toEqual({ done: false, value: 3 });
    expect(seen).toEqual([null, 3]);
    await read.return();
    expect(await fn(null, 4).return()).toEqual({ done: true, value: undefined });
    expect(recorded.reports).toEqual([]);
  });

  it('own() of something that is not iterable fails at once', async () => {
    const stream = scoped(async function* ({ own }) {
      yield* own(42 as never);
    })();
    const result = await outcome(stream.next());
    expect(result.ok).toBe(false);
    expect((result.value as Error).message).toMatch(/^scoped: own: expected `source` to be an async iterable/);
  });
});

describe('scoped: C7 abandonment', () => {
  const abandoned = (): Report[] => recorded.reports.filter((r) => r.type === 'abandoned');

  // Built and dropped in a function of its own, so nothing in the test keeps it reachable.
  async function dropWhileParked(upstream: AsyncIterator<number>, exits: Exit[], log: string[]): Promise<void> {
    const resolver = scoped(async function* ({ own }) {
      try {
        for await (const x of own(pipe(upstream, withCleanup((exit) => exits.push(exit))))) yield x;
      } finally {
        log.push('resolver:finally');
      }
    })();
    await resolver.next();
    void resolver.next(); // parked on the owned stream
  }

  it('a scoped stage dropped while its body is parked on an owned stream is reported once and its owned streams closed', async () => {
    const exits: Exit[] = [];
    const log: string[] = [];
    const upstream = probe({ parkAt: 1 });
    await dropWhileParked(upstream, exits, log);
    await collectUntil(() => abandoned().length > 0 && exits.length > 0 && upstream.calls.return > 0);
    expect(abandoned()).toEqual([{ type: 'abandoned', stage: 'scoped', createdAt: undefined }]);
    expect(exits).toEqual([{ outcome: 'abandoned' }]);
    expect(upstream.calls.return).toBe(1);
    expect(recorded.reports.filter((r) => r.type === 'cleanup-error')).toEqual([]);
  });

  const kept: unknown[] = [];
  async function dropWithAnOwnedStreamKeptElsewhere(upstream: AsyncIterator<number>): Promise<void> {
    const resolver = scoped(async function* ({ own }) {
      const stream = own(upstream);
      kept.push(stream); // handed out: it outlives the scoped stage
      yield* own([1]);
      await new Promise<never>(() => undefined); // parked on something the scope does not own
    })();
    await resolver.next();
    void resolver.next();
  }

  it('an owned stream still alive when the scoped stage is collected is closed by its safety net', async () => {
    const upstream = probe();
    await dropWithAnOwnedStreamKeptElsewhere(upstream);
    await collectUntil(() => abandoned().length > 0 && upstream.calls.return > 0);
    expect(abandoned()).toEqual([{ type: 'abandoned', stage: 'scoped', createdAt: undefined }]);
    expect(upstream.calls.return).toBe(1);
    expect(recorded.reports.filter((r) => r.type === 'cleanup-error')).toEqual([]);
    kept.length = 0;
  });

  it("the close error of an owned stream the safety net closed is reported under the scoped stage's name", async () => {
    const closeError = new Error('close failed');
    const upstream = probe({ returnError: closeError });
    await dropWithAnOwnedStreamKeptElsewhere(upstream);
    await collectUntil(() => abandoned().length > 0 && recorded.reports.some((r) => r.type === 'cleanup-error'));
    expect(recorded.reports.filter((r) => r.type === 'cleanup-error')).toEqual([{ type: 'cleanup-error', stage: 'scoped', error: closeError }]);
    kept.length = 0;
  });
});
