import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { aclosing, abortable, borrow, filter, map, pipe, take, withCleanup, type Stage } from 'iterscope';
import { probe, recordReports } from '../helpers/probe.js';

// C6: every iterator iterscope returns is disposable; `await using` works on Node 20
// through TypeScript's downlevel helpers (this file is compiled with target ES2022).

const makers: [string, (src: AsyncIterator<number>) => Stage<number>][] = [
  ['aclosing', (s) => aclosing(s)],
  ['borrow', (s) => borrow(s)],
  ['map', (s) => pipe(s, map((x: number) => x))],
  ['filter', (s) => pipe(s, filter(() => true))],
  ['take', (s) => pipe(s, take<number>(3))],
  ['withCleanup', (s) => pipe(s, withCleanup(() => undefined))],
  ['abortable', (s) => pipe(s, abortable(new AbortController().signal))],
];

describe.each(makers)('C6 %s', (name, make) => {
  it('has [Symbol.asyncDispose], which closes like return()', async () => {
    const src = probe();
    const stage = make(src);
    expect(typeof stage[Symbol.asyncDispose]).toBe('function');
    await stage.next();
    await stage[Symbol.asyncDispose]();
    expect(src.calls.return).toBe(name === 'borrow' ? 0 : 1);
    expect(await stage.next()).toEqual({ done: true, value: undefined });
  });

  it('is closed at the end of an `await using` block', async () => {
    const src = probe();
    {
      await using stage = make(src);
      expect((await stage.next()).value).toBe(0);
    }
    expect(src.calls.return).toBe(name === 'borrow' ? 0 : 1);
  });
});

describe('C6 await using', () => {
  it('closes the stream when the block throws, and the block\'s error wins', async () => {
    const src = probe();
    const err = new Error('block');
    await expect((async () => {
      await using stage = aclosing(src);
      await stage.next();
      throw err;
    })()).rejects.toBe(err);
    expect(src.calls.return).toBe(1);
  });

  it('a disposal error while the block throws arrives as a SuppressedError-shaped error', async () => {
    const blockError = new Error('block');
    const disposeError = new Error('dispose');
    const recorded = recordReports();
    const err = await (async () => {
      await using stage = aclosing(probe({ returnError: disposeError }));
      await stage.next();
      throw blockError;
    })().catch((e: unknown) => e as { name: string; error: unknown; suppressed: unknown });
    expect(err.name).toBe('SuppressedError');
    expect(err.error).toBe(disposeError);
    expect(err.suppressed).toBe(blockError);
    recorded.stop();
    expect(recorded.reports).toEqual([{ type: 'cleanup-error', stage: 'aclosing', error: disposeError }]);
  });
});

describe('C6 the supported Node floor', () => {
  // Node 20.0 to 20.3 have no Symbol.asyncDispose: there a stage's dispose method would be
  // named "undefined" and compiled `await using` would throw. engines says what works.
  it('package.json engines starts at the first Node 20 with Symbol.asyncDispose (20.4)', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { engines: { node: string } };
    expect(pkg.engines.node).toBe('>=20.4');
  });

  it("a stage's dispose method is keyed by the real symbol, never by the string \"undefined\"", () => {
    expect(typeof Symbol.asyncDispose).toBe('symbol');
    const stage = aclosing([1]);
    let proto: object | null = stage;
    const symbols: symbol[] = [];
    const names: string[] = [];
    while (proto !== null && proto !== Object.prototype) {
      symbols.push(...Object.getOwnPropertySymbols(proto));
      names.push(...Object.getOwnPropertyNames(proto));
      proto = Object.getPrototypeOf(proto) as object | null;
    }
    expect(symbols).toContain(Symbol.asyncDispose);
    expect(names).not.toContain('undefined');
  });
});
