/**
 * The runtime matrix is only as strict as its stand-in for vitest: each matcher must fail
 * when vitest's would, or a runtime could pass tests it does not.
 */
import { describe, expect, it } from 'vitest';
import { expect as shim, vi as shimVi } from './vitest-shim.js';

const fails = (check: () => unknown): void => {
  expect(check).toThrow(/expected/);
};
const rejects = (check: () => unknown): Promise<void> => expect(Promise.resolve().then(check)).rejects.toThrow(/expected/);

describe('the runtime-neutral expect', () => {
  it('fails every matcher on a mismatch, and passes on a match', () => {
    fails(() => shim(1).toBe(2));
    fails(() => shim({ a: 1 }).toBe({ a: 1 }));
    fails(() => shim({ a: 1, b: [2] }).toEqual({ a: 1, b: [3] }));
    fails(() => shim([1, 2]).toEqual([1, 2, 3]));
    fails(() => shim({ a: 1 }).toEqual({ a: 1, b: 2 }));
    fails(() => shim([1]).toHaveLength(2));
    fails(() => shim('abc').toMatch(/d/));
    fails(() => shim([1]).toContain(2));
    fails(() => shim([{ a: 1 }]).toContainEqual({ a: 2 }));
    shim([{ a: 1 }, { a: 2 }]).toContainEqual({ a: 2 });
    fails(() => shim(new Error('x')).toBeInstanceOf(TypeError));
    fails(() => shim({ a: 1, b: 2 }).toMatchObject({ a: 2 }));
    fails(() => shim(1).not.toBe(1));
    fails(() => shim(() => undefined).toThrow());
    fails(() => shim(() => { throw new Error('abc'); }).toThrow('x'));
    fails(() => shim(() => { throw new Error('abc'); }).toThrow(/^b/));
    fails(() => shim(() => { throw new Error('abc'); }).toThrow(RangeError));
    fails(() => shim({ type: 'a', n: 1 }).toEqual(shim.objectContaining({ type: 'b' })));

    shim({ a: 1, b: undefined, c: [new Error('e')] }).toEqual({ a: 1, c: [new Error('e')] });
    shim({ type: 'a', n: 1 }).toEqual(shim.objectContaining({ type: 'a' }));
    shim(() => { throw new RangeError('abc'); }).toThrow(RangeError);
    shim(() => { throw new Error('abc'); }).toThrow(/b/);
  });

  it('fails rejects/resolves when the promise settles the other way or with another value', async () => {
    const err = new Error('boom');
    await rejects(() => shim(Promise.resolve(1)).rejects.toBe(1));
    await rejects(() => shim(Promise.reject(err)).rejects.toBe(new Error('boom')));
    await rejects(() => shim(Promise.reject(err)).rejects.toThrow('other'));
    await rejects(() => shim(Promise.reject(err)).resolves.toBe(err));
    await shim(Promise.reject(err)).rejects.toBe(err);
    await shim(Promise.reject(err)).rejects.toThrow('boom');
  });

  it('vi: mocks count calls (new included), spies restore, the fake Date stops and resumes', () => {
    const f = shimVi.fn((x: unknown) => x);
    fails(() => shim(f).toHaveBeenCalled());
    expect(f(1)).toBe(1);
    shim(f).toHaveBeenCalledTimes(1);
    fails(() => shim(f).toHaveBeenCalledTimes(2));
    fails(() => shim(f).not.toHaveBeenCalled());
    expect(() => shim(() => undefined).toHaveBeenCalled()).toThrow(/expected a mock/);

    const spy = shimVi.spyOn(globalThis, 'AbortController');
    try {
      expect(new AbortController().signal.aborted).toBe(false);
      shim(spy).toHaveBeenCalledTimes(1);
    } finally {
      spy.mockRestore();
    }
    expect(globalThis.AbortController).not.toBe(spy);

    expect(() => {
      shimVi.useFakeTimers({ toFake: ['setInterval'] });
    }).toThrow(/fakes only Date, setTimeout, clearTimeout and performance/);
    expect(() => {
      shimVi.useFakeTimers({ toFake: ['performance'] });
    }).toThrow(/only with setTimeout/);
    expect(() => {
      shimVi.useFakeTimers({ toFake: ['setTimeout'] });
    }).toThrow(/together/);
    shimVi.useFakeTimers({ toFake: ['Date'] });
    try {
      shimVi.setSystemTime(1_000);
      expect(Date.now()).toBe(1_000);
      expect(new Date().getTime()).toBe(1_000);
      expect(new Date(5).getTime()).toBe(5);
    } finally {
      shimVi.useRealTimers();
    }
    expect(Date.now()).toBeGreaterThan(1_000_000);
  });

  it('vi: fake timers fire in time order as the clock is moved, cleared ones never, and real timers come back', async () => {
    const realSetTimeout = globalThis.setTimeout;
    shimVi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const fired: string[] = [];
    try {
      expect(globalThis.setTimeout).not.toBe(realSetTimeout);
      setTimeout(() => fired.push('b'), 20);
      setTimeout((x: string) => fired.push(x), 10, 'a');
      setTimeout(() => fired.push('b2'), 20);
      clearTimeout(setTimeout(() => fired.push('cleared'), 5));
      expect(shimVi.getTimerCount()).toBe(3);
      shimVi.advanceTimersByTime(9);
      expect(fired).toEqual([]);
      shimVi.advanceTimersByTime(1);
      expect(fired).toEqual(['a']);
      // A timer set by a timer counts from the time it was set; promise reactions run between timers.
      setTimeout(() => {
        void Promise.resolve().then(() => fired.push('reaction'));
        setTimeout(() => fired.push('chained'), 5);
      }, 5);
      await shimVi.advanceTimersByTimeAsync(9);
      expect(fired).toEqual(['a', 'reaction']);
      await shimVi.advanceTimersByTimeAsync(1); // at 20: the two set first, then the chained one
      expect(fired).toEqual(['a', 'reaction', 'b', 'b2', 'chained']);
      expect(shimVi.getTimerCount()).toBe(0);
    } finally {
      shimVi.useRealTimers();
    }
    expect(globalThis.setTimeout).toBe(realSetTimeout);
    expect(() => shimVi.getTimerCount()).toThrow(/useFakeTimers/);
  });

  it('vi: a faked performance.now() reads the timers\' clock from 0, and the real one comes back', () => {
    const realNow = performance.now();
    shimVi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    try {
      expect(performance.now()).toBe(0);
      shimVi.advanceTimersByTime(25);
      expect(performance.now()).toBe(25);
    } finally {
      shimVi.useRealTimers();
    }
    expect(performance.now()).toBeGreaterThanOrEqual(realNow);
  });
});
