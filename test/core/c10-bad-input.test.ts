import { describe, expect, it } from 'vitest';
import { abortable, aclosing, borrow, configure, filter, map, onReport, pipe, take, withCleanup } from 'iterscope';

// C10: wrong arguments fail at the call, not at the first next(), with a message that
// names the argument and shows what was passed.

describe('C10 bad input', () => {
  it.each([
    ['a number', 42, /aclosing: expected `source` to be an async iterable, an async iterator or an iterable, got `42` \(number\)/],
    ['null', null, /got `null`/],
    ['undefined', undefined, /got `undefined`/],
    ['a plain object', { a: 1 }, /got an object/],
    ['a promise', Promise.resolve([1]), /got an instance of Promise/],
    ['a string', 'https://example.test/stream', /To stream a string's characters, pass `\[\.\.\.text\]`/],
  ])('a non-iterable source (%s) is a TypeError at the call', (_name, value, message) => {
    expect(() => aclosing(value as never)).toThrow(TypeError);
    expect(() => aclosing(value as never)).toThrow(message);
  });

  it('operators check the source when applied, naming the operator', () => {
    expect(() => map((x: number) => x)(7 as never)).toThrow(/^map: expected `source`/);
    expect(() => pipe(7 as never, filter(() => true))).toThrow(/^filter: expected `source`/);
  });

  it.each([
    ['map', () => map('x' as never), /map: expected `fn` to be a function, got `"x"` \(string\)/],
    ['filter', () => filter(undefined as never), /filter: expected `predicate` to be a function, got `undefined`/],
    ['withCleanup', () => withCleanup({} as never), /withCleanup: expected `cleanup` to be a function, got an object/],
    ['pipe', () => pipe([1], null as never), /pipe: expected `operators\[0\]` to be a function, got `null`/],
    ['onReport', () => onReport(1 as never), /onReport: expected `listener` to be a function, got `1` \(number\)/],
  ])('%s: a non-function callback is a TypeError naming the argument', (_name, call, message) => {
    expect(call).toThrow(TypeError);
    expect(call).toThrow(message);
  });

  it.each([
    [-1, RangeError, /take: expected `count` to be a whole number from 0 up, or Infinity, got `-1` \(number\)/],
    [1.5, RangeError, /got `1\.5` \(number\)/],
    [NaN, RangeError, /got `NaN` \(number\)/],
    ['3', TypeError, /take: expected `count` to be a number, got `"3"` \(string\)/],
  ])('take(%s) fails at the call', (count, type, message) => {
    expect(() => take(count as never)).toThrow(type);
    expect(() => take(count as never)).toThrow(message);
  });

  it('take(Infinity) and take(0) are fine', () => {
    expect(() => take(Infinity)).not.toThrow();
    expect(() => take(0)).not.toThrow();
  });

  it('a negative or non-numeric close deadline fails at the call', () => {
    expect(() => aclosing([1], { closeTimeout: -5 })).toThrow(RangeError);
    expect(() => aclosing([1], { closeTimeout: -5 })).toThrow(/aclosing: expected `options.closeTimeout` to be a number of milliseconds from 0 up/);
    expect(() => aclosing([1], { closeTimeout: '10' as never })).toThrow(TypeError);
    expect(() => configure({ closeTimeout: -1 })).toThrow(/configure: expected `closeTimeout`/);
    expect(() => configure({ leakTracking: 'yes' as never })).toThrow(/configure: expected `leakTracking` to be a boolean/);
  });

  it('a signal that is not an AbortSignal fails at the call', () => {
    expect(() => abortable({} as never)).toThrow(/abortable: expected `signal` to be an AbortSignal, got an object/);
    expect(() => aclosing([1], { signal: 'no' as never })).toThrow(/aclosing: expected `options.signal` to be an AbortSignal/);
  });

  it('options must be an object', () => {
    expect(() => aclosing([1], 5 as never)).toThrow(/aclosing: expected `options` to be an object or undefined, got `5` \(number\)/);
  });

  it('borrow needs an iterator', () => {
    expect(() => borrow(null as never)).toThrow(/borrow: expected `iterator` to be an iterator .*got `null`/);
  });

  it('an iterable whose [Symbol.asyncIterator]() returns a non-iterator fails on open, naming the stage', async () => {
    const bad = { [Symbol.asyncIterator]: () => 42 } as unknown as AsyncIterable<number>;
    await expect(aclosing(bad).next()).rejects.toThrow(/aclosing: the source's \[Symbol.asyncIterator\]\(\) returned `42` \(number\), not an iterator/);
  });

  it('a source whose next() resolves to a non-object fails that next()', async () => {
    const bad = { next: () => Promise.resolve(3) } as unknown as AsyncIterator<number>;
    await expect(aclosing(bad).next()).rejects.toThrow(/aclosing: the source's next\(\) resolved to `3` \(number\), not an iterator result/);
  });

  it('a source whose next() returns something that only looks like a promise fails that read: finished, not closed (C1), no hang', async () => {
    let closed = 0;
    const bad: AsyncIterator<number> = {
      next: () => Object.create(Promise.prototype) as Promise<IteratorResult<number>>,
      return: () => {
        closed++;
        return Promise.resolve({ done: true, value: undefined });
      },
    };
    const stage = pipe(bad, map((x: number) => x));
    await expect(stage.next()).rejects.toThrow(TypeError);
    await expect(stage.next()).resolves.toEqual({ done: true, value: undefined });
    await stage.return();
    expect(closed).toBe(0);
  });

  it('a source whose next() returns a symbol, not even a promise, fails that next() and does not hang', async () => {
    const bad = { next: () => Symbol('odd') } as unknown as AsyncIterator<number>;
    await expect(aclosing(bad).next()).rejects.toThrow(/aclosing: the source's next\(\) resolved to .*odd.*, not an iterator result/);
  });
});
