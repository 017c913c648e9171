import { describe, expect, it, vi } from 'vitest';
import { SuppressedError, type Source, type Stage, type StageOptions } from 'iterscope';
import { checkContract, type KnownIssue } from 'iterscope/testing';
import { probe, probeIterable, ticks, withoutRecording } from './probe.js';

/**
 * The contract every stage keeps, as a reusable suite: C1 (closes its source exactly
 * once on every early stop, never after the source finished), C2 (a pending next()
 * settles at once on return()), C3 (abort reason identity; an aborted signal opens
 * nothing) and C5 (a callback error keeps a close error attached), each as a readable
 * hand-written case, then the whole contract under generated scenarios with
 * `iterscope/testing`'s checkContract at iterscope's strict level. Each operator's test
 * file runs it with a stage that passes items through, then adds its own cases.
 */
export interface ContractSpec {
  /** Build the stage under test over `source`, passing items through unchanged. */
  readonly make: (source: Source<number>, options?: StageOptions) => Stage<unknown>;
  /** Build the stage with its callback throwing `error` on the first item (if it has one). */
  readonly failing?: (source: Source<number>, error: Error) => Stage<unknown>;
  /** Open contract gaps of this stage the generated scenarios find, each named and narrow. */
  readonly knownIssues?: readonly KnownIssue[];
}

/** Settle a promise into a value or the error, for assertions. */
export function outcome(p: Promise<unknown>): Promise<{ ok: boolean; value: unknown }> {
  return p.then(
    (value) => ({ ok: true, value }),
    (value: unknown) => ({ ok: false, value }),
  );
}

/** Track whether a promise has settled, without awaiting it. */
export function watch(p: Promise<unknown>): { settled: boolean; value: unknown; ok: boolean } {
  const state = { settled: false, value: undefined as unknown, ok: false };
  p.then(
    (v) => {
      Object.assign(state, { settled: true, value: v, ok: true });
    },
    (e: unknown) => {
      Object.assign(state, { settled: true, value: e, ok: false });
    },
  );
  return state;
}

/** Generated scenarios per stage: a smoke run beside the property suite's pipelines. */
const GENERATED_RUNS = 60;

/**
 * Mutation runs leave generated scenarios out, as they leave out the property suite
 * (vitest.mutation.config.ts): they cover nearly every line, so they would run for nearly
 * every mutant. ITERSCOPE_MUTATION_PROPERTY=1 keeps them, as it keeps the property suite.
 * The runtime matrix (test/runtimes, ITERSCOPE_RUNTIME_MATRIX=1, or no `process` in a
 * browser) runs the hand-written cases on every runtime; the generated ones run here.
 */
const env = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env;
const generated =
  env !== undefined &&
  env['ITERSCOPE_RUNTIME_MATRIX'] !== '1' &&
  (env['STRYKER_MUTATOR_WORKER'] === undefined || env['ITERSCOPE_MUTATION_PROPERTY'] === '1');

export function contractSuite(name: string, spec: ContractSpec): void {
  const { make, failing } = spec;

  if (generated) {
    describe(`${name}: generated scenarios`, () => {
      it('keeps every invariant of iterscope/testing (strict)', async () => {
        // The harness lets the event loop turn and counts the stage's timers: real ones only.
        // A file that fakes timers installs them again before its next test.
        if (vi.isFakeTimers()) vi.useRealTimers();
        const summary = await withoutRecording(() =>
          checkContract(({ source, signal }) => make(source as Source<number>, { signal }), { runs: GENERATED_RUNS, strict: true, knownIssues: spec.knownIssues }),
        );
        expect(summary.unchecked).toEqual([]);
      }, 60_000);
    });
  }

  describe(`${name}: C1 ownership`, () => {
    it('closes the source exactly once on break', async () => {
      const src = probe();
      let seen = 0;
      for await (const x of make(src)) {
        seen += x === 0 ? 1 : 0;
        break;
      }
      expect(seen).toBe(1);
      expect(src.calls.return).toBe(1);
    });

    it('closes the source exactly once on throw()', async () => {
      const src = probe();
      const stage = make(src);
      await stage.next();
      const error = new Error('consumer failed');
      const result = await outcome(stage.throw(error));
      expect(result).toEqual({ ok: false, value: error });
      await stage.return();
      expect(src.calls.return).toBe(1);
    });

    it('closes an iterator source closed before the first next(), once', async () => {
      const src = probe();
      const stage = make(src);
      await stage.return();
      await stage.return();
      expect(src.calls.return).toBe(1);
      expect(src.calls.next).toBe(0);
    });

    it('opens nothing when an iterable source is closed before the first next()', async () => {
      const src = probeIterable();
      await make(src).return();
      expect(src.opened).toHaveLength(0);
    });

    it('does not close a source that reported done', async () => {
      const src = probe({ items: 3 });
      const stage = make(src);
      const seen: unknown[] = [];
      for await (const x of stage) seen.push(x);
      expect(seen).toEqual([0, 1, 2]);
      await stage.return();
      expect(src.calls.return).toBe(0);
    });

    it('does not close a source whose next() rejected', async () => {
      const error = new Error('source failed');
      const src = probe({ throwAt: 1, error });
      const stage = make(src);
      expect(await stage.next()).toEqual({ done: false, value: 0 });
      expect(await outcome(stage.next())).toEqual({ ok: false, value: error });
      await stage.return();
      expect(src.calls.return).toBe(0);
    });

    if (failing !== undefined) {
      it('closes the source exactly once when its callback throws', async () => {
        const src = probe();
        const error = new Error('callback failed');
        const stage = failing(src, error);
        expect(await outcome(stage.next())).toEqual({ ok: false, value: error });
        await stage.return();
        expect(src.calls.return).toBe(1);
      });
    }
  });

  describe(`${name}: C2 prompt settlement`, () => {
    it('return() settles a pending next() at once, with a source that never settles', async () => {
      const src = probe({ parkAt: 0 });
      const stage = make(src);
      const pending = watch(stage.next());
      await ticks(5);
      expect(pending.settled).toBe(false);
      const closing = stage.return();
      await ticks(2);
      expect(pending.settled).toBe(true);
      expect(pending.value).toEqual({ done: true, value: undefined });
      await closing;
      expect(src.calls.return).toBe(1);
    });
  });

  describe(`${name}: C3 abort`, () => {
    it('rejects a pending next() with the reason itself and closes the source once', async () => {
      const src = probe({ parkAt: 0 });
      const controller = new AbortController();
      const stage = make(src, { signal: controller.signal });
      const pending = outcome(stage.next());
      await ticks(3);
      const reason = { why: 'stop' };
      controller.abort(reason);
      const result = await pending;
      expect(result.ok).toBe(false);
      expect(result.value).toBe(reason);
      await ticks(10);
      expect(src.calls.return).toBe(1);
    });

    it('an already-aborted signal rejects the first next() without opening the source', async () => {
      const src = probeIterable();
      const reason = new Error('aborted before start');
      const stage = make(src, { signal: AbortSignal.abort(reason) });
      const result = await outcome(stage.next());
      expect(result).toEqual({ ok: false, value: reason });
      expect(src.opened).toHaveLength(0);
    });
  });

  describe(`${name}: C5 errors`, () => {
    it('return() rejects with the source close error', async () => {
      const closeError = new Error('close failed');
      const stage = make(probe({ returnError: closeError }));
      await stage.next();
      expect(await outcome(stage.return())).toEqual({ ok: false, value: closeError });
    });

    if (failing !== undefined) {
      it('a callback error with a failing close: SuppressedError(close error, callback error)', async () => {
        const closeError = new Error('close failed');
        const error = new Error('callback failed');
        const stage = failing(probe({ returnError: closeError }), error);
        const result = await outcome(stage.next());
        expect(result.value).toBeInstanceOf(SuppressedError);
        expect((result.value as SuppressedError).error).toBe(closeError);
        expect((result.value as SuppressedError).suppressed).toBe(error);
      });
    }
  });
}

/** C10: each call throws at once, with the named error type and a message naming the argument. */
export function badInputSuite(name: string, cases: readonly (readonly [string, () => unknown, ErrorConstructor, RegExp])[]): void {
  describe(`${name}: C10 bad input`, () => {
    it.each(cases)('%s', (_label, call, type, message) => {
      expect(call).toThrow(type);
      expect(call).toThrow(message);
    });
  });
}
