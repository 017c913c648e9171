import { describe, expect, it } from 'vitest';
import {
  abortable,
  batch,
  batchTime,
  buffered,
  catchError,
  debounce,
  defineOperator,
  distinct,
  distinctUntilChanged,
  dropWhile,
  pairwise,
  retry,
  configure,
  drop,
  filter,
  flatMap,
  map,
  scan,
  take,
  takeUntil,
  takeWhile,
  throttle,
  switchMap,
  share,
  tee,
  tap,
  timeout,
  withCleanup,
  type StageOptions,
} from 'iterscope';

// C10: every operator checks its options when it is called (not when pipe applies it), and
// each kind of bad value is explained with the same words by every function.

/** Every operator that takes stage options, called with `options`. */
const withOptions: readonly (readonly [string, (options: StageOptions) => unknown])[] = [
  ['map', (o) => map((x: number) => x, o)],
  ['filter', (o) => filter(() => true, o)],
  ['take', (o) => take(1, o)],
  ['drop', (o) => drop(1, o)],
  ['scan', (o) => scan((a: number) => a, 0, o)],
  ['tap', (o) => tap(() => undefined, o)],
  ['takeWhile', (o) => takeWhile(() => true, o)],
  ['withCleanup', (o) => withCleanup(() => undefined, o)],
  ['timeout', (o) => timeout(10, o)],
  ['buffered', (o) => buffered(1, o)],
  ['flatMap', (o) => flatMap(() => [], o)],
  ['dropWhile', (o) => dropWhile(() => true, o)],
  ['distinct', (o) => distinct(undefined, o)],
  ['distinctUntilChanged', (o) => distinctUntilChanged(undefined, o)],
  ['pairwise', (o) => pairwise(o)],
  ['batch', (o) => batch(2, o)],
  ['takeUntil', (o) => takeUntil(AbortSignal.abort(), o)],
  ['catchError', (o) => catchError(() => [], o)],
  ['retry', (o) => retry({ count: 1, ...o })],
  ['throttle', (o) => throttle(10, o)],
  ['switchMap', (o) => switchMap(() => [], o)],
  ['share', (o) => share([], o)],
  ['tee', (o) => tee([], 2, o)],
  ['debounce', (o) => debounce(10, o)],
  ['batchTime', (o) => batchTime(10, 2, o)],
  // A user operator: the name given to defineOperator is the one its messages use.
  ['chunk', (o) => defineOperator('chunk', {}, o)],
];

/** The thrown error, its class, and its message without the function's and argument's names. */
function failure(call: () => unknown): { type: string; words: string; message: string } {
  try {
    call();
  } catch (error) {
    const message = (error as Error).message;
    const words = message.replace(/^\w+: /, '').replace(/`[\w.]+`/, '`…`').replace(/, got .*$/, '');
    return { type: (error as Error).name, words, message };
  }
  throw new Error('did not throw');
}

/** All the calls fail with the same class and the same words. */
function sameWording(calls: readonly (() => unknown)[]): string {
  const [first, ...rest] = calls.map(failure);
  for (const other of rest) {
    expect({ type: other.type, words: other.words }).toEqual({ type: first!.type, words: first!.words });
  }
  return first!.words;
}

describe('C10: options are checked at the operator call', () => {
  it.each(withOptions)('%s(…, { signal: "x" }) throws at the call, naming the option', (name, make) => {
    expect(() => make({ signal: 'x' as never })).toThrow(TypeError);
    expect(() => make({ signal: 'x' as never })).toThrow(`${name}: expected \`options.signal\` to be an AbortSignal, got \`"x"\` (string).`);
  });

  it.each(withOptions)('%s(…, { closeTimeout: -1 }) throws at the call, naming the option', (name, make) => {
    expect(() => make({ closeTimeout: -1 })).toThrow(RangeError);
    expect(() => make({ closeTimeout: -1 })).toThrow(`${name}: expected \`options.closeTimeout\``);
  });

  // retry's options are its count or an object; a number is a count there.
  it.each(withOptions.filter(([name]) => name !== 'retry'))('%s(…, 5) rejects options that are not an object', (_name, make) => {
    expect(() => make(5 as never)).toThrow(TypeError);
  });

  it('abortable checks its closeTimeout at the call too', () => {
    expect(() => abortable(new AbortController().signal, { closeTimeout: -1 })).toThrow(/abortable: expected `options.closeTimeout`/);
  });

  it('configure rejects an unknown key, naming it and the known ones', () => {
    expect(() => configure({ bogus: 1 } as never)).toThrow(TypeError);
    expect(() => configure({ bogus: 1 } as never)).toThrow('configure: unknown option `"bogus"` (string); expected one of `closeTimeout`, `leakTracking`.');
    expect(() => configure({ closeTimeOut: 10 } as never)).toThrow(/unknown option `"closeTimeOut"`/);
  });
});

describe('C10: one wording for each kind of range', () => {
  const bad = { signal: 'x' as never };
  it('a bad signal reads the same for every operator', () => {
    sameWording(withOptions.map(([, make]) => () => make(bad)));
  });

  it('a bad closeTimeout reads the same for every operator, and for aclosing and configure', () => {
    const words = sameWording([
      ...withOptions.map(([, make]) => () => make({ closeTimeout: -1 })),
      () => configure({ closeTimeout: -1 }),
    ]);
    expect(words).toBe('expected `…` to be a number of milliseconds from 0 up, or Infinity');
  });

  it('counts (0 up, or Infinity): take and drop, for -1, 1.5 and NaN alike', () => {
    const words = sameWording([-1, 1.5, NaN].flatMap((n) => [() => take(n), () => drop(n)]));
    expect(words).toBe('expected `…` to be a whole number from 0 up, or Infinity');
  });

  it('sizes (1 up, finite): buffered, batch, tee and share\'s bufferSize with 0, -1, 1.5 and Infinity say the same', () => {
    const words = sameWording(
      [0, -1, 1.5, Infinity].flatMap((n) => [() => buffered(n), () => batch(n), () => tee([], n), () => share([], { bufferSize: n })]),
    );
    expect(words).toBe('expected `…` to be a whole number from 1 up');
  });

  it('concurrency (1 up, or Infinity): flatMap with 0 and -1, and the max of batchTime, say the same', () => {
    const words = sameWording([0, -1, 2.5].flatMap((n) => [() => flatMap(() => [], { concurrency: n }), () => batchTime(10, n)]));
    expect(words).toBe('expected `…` to be a whole number from 1 up, or Infinity');
  });

  it('timer delays (finite, 0 up): timeout(-1) and timeout(Infinity) say the same', () => {
    const words = sameWording([-1, Infinity].flatMap((n) => [() => timeout(n), () => throttle(n), () => debounce(n), () => batchTime(n, 2)]));
    expect(words).toBe('expected `…` to be a finite number of milliseconds from 0 up');
  });

  it('a value that is not a number is a TypeError that shows it, for every kind', () => {
    for (const call of [() => take('3' as never), () => buffered('3' as never), () => flatMap(() => [], { concurrency: '3' as never })]) {
      expect(call).toThrow(TypeError);
      expect(call).toThrow('got `"3"` (string).');
    }
  });
});
