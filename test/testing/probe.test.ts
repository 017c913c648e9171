/**
 * The instrumented source's own behaviours that a test relies on by value: the exact
 * error a failing step or close throws, and a source that never ends.
 */
import { describe, expect, it } from 'vitest';
import { aclosing } from 'iterscope';
import { probe, ProbeError, Timeline, type ProbeSpec } from 'iterscope/testing';

async function read(source: unknown): Promise<{ items: unknown[]; error: unknown }> {
  const items: unknown[] = [];
  try {
    for await (const x of source as AsyncIterable<unknown>) items.push(x);
  } catch (error) {
    return { items, error };
  }
  return { items, error: undefined };
}

const kinds = ['async', 'generator', 'sync'] as const;

describe('probe: the values it throws', () => {
  it.each(kinds)('%s: the throwAt step rejects with `error` itself, any value', async (kind) => {
    for (const error of [new Error('exact'), 'a string', { plain: true }, undefined]) {
      const p = probe({ kind, items: 5, throwAt: 1, error });
      const result = await read(p.source);
      expect(result).toEqual({ items: [0], error });
      expect(result.error).toBe(error);
      expect(p.record.thrown).toEqual([error]);
    }
  });

  it.each(kinds)('%s: without `error`, a new ProbeError', async (kind) => {
    const p = probe({ kind, items: 5, throwAt: 1 });
    const { error } = await read(p.source);
    expect(error).toBeInstanceOf(ProbeError);
    expect(p.record.thrown).toEqual([error]);
  });

  it.each(kinds)('%s: a throwing close throws `returnError` itself', async (kind) => {
    const closeError = { closing: 'failed' };
    const spec: ProbeSpec = { kind, items: 5, returnThrows: true, returnError: closeError };
    const p = probe(spec);
    let caught: unknown;
    try {
      for await (const x of p.source as AsyncIterable<unknown>) {
        expect(x).toBe(0);
        break;
      }
    } catch (error) {
      caught = error;
    }
    expect(caught).toBe(closeError);
    expect(p.record.thrown).toEqual([closeError]);
  });
});

describe('probe: items', () => {
  it('Infinity: a source that never reports done', async () => {
    const p = probe({ items: Infinity });
    const iterator = (p.source as AsyncIterable<number>)[Symbol.asyncIterator]();
    for (let i = 0; i < 1_000; i++) expect(await iterator.next()).toEqual({ done: false, value: i });
    expect(p.record.finished).toBeUndefined();
  });
});

describe('Timeline.end()', () => {
  const within = (promise: Promise<unknown>, ms: number): Promise<string> =>
    Promise.race([promise.then(() => 'settled'), new Promise<string>((resolve) => setTimeout(() => { resolve('still waiting'); }, ms))]);

  it('releases what is still parked, and a step that parks later goes on at once', async () => {
    const timeline = new Timeline();
    const a = probe({ items: 2, returnParks: true }, { timeline });
    const stage = aclosing(a.source);
    await stage.next();
    const closing = stage.return(); // the source's return() parks
    expect(await within(closing, 20)).toBe('still waiting');
    timeline.end();
    expect(await within(closing, 200)).toBe('settled');
    const b = probe({ items: 2, returnParks: true }, { timeline });
    const late = aclosing(b.source);
    await late.next();
    expect(await within(late.return(), 200)).toBe('settled');
    expect([a.record.returnCalls, b.record.returnCalls]).toEqual([1, 1]);
  });
});
