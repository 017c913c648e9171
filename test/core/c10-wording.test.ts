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

describe('C10: what the message shows of the value passed', () => {
  /** The `got …` part of take's message for `value`. */
  const got = (value: unknown): string => {
    const message = failure(() => take(value as never)).message;
    return message.slice(message.indexOf(', got ') + ', got '.length, -1);
  };

  it('a string is quoted, and cut at 40 characters', () => {
    expect(got('a'.repeat(40))).toBe(`\`"${'a'.repeat(40)}"\` (string)`);
    expect(got('b'.repeat(41))).toBe(`\`"${'b'.repeat(40)}…"\` (string)`);
  });

  it('booleans, bigints and symbols show their value and type', () => {
    expect(got(true)).toBe('`true` (boolean)');
    expect(got(7n)).toBe('`7` (bigint)');
    expect(got(Symbol('tag'))).toBe('`Symbol(tag)` (symbol)');
  });

  it('a function shows its name, when it has one', () => {
    function countItems(): number {
      return 1;
    }
    expect(got(countItems)).toBe('a function `countItems`');
    expect(got([() => 1][0])).toBe('a function');
  });

  it('an object shows its class, unless it is a plain or nameless one', () => {
    class Settings {
      readonly retries = 3;
    }
    expect(got(new Settings())).toBe('an instance of Settings');
    expect(got([1])).toBe('an array');
    expect(got({ a: 1 })).toBe('an object');
    expect(got(Object.create(null))).toBe('an object');
    expect(got(new (class {
      readonly retries = 3;
    })())).toBe('an object');
    expect(got({ constructor: { name: 42 } })).toBe('an object');
  });
});

describe('C10: an AbortSignal is checked by its shape', () => {
  const listen = (): void => undefined;
  it.each([
    ['null', null, '`null`'],
    ['an object without addEventListener', { aborted: false }, 'an object'],
    ['an object without aborted', { addEventListener: listen }, 'an object'],
    ['an object whose aborted is not a boolean', { aborted: 'no', addEventListener: listen }, 'an object'],
    ['a function shaped like a signal', Object.assign(() => undefined, { aborted: false, addEventListener: listen }), 'a function'],
  ])('%s is refused, naming the option', (_name, value, shown) => {
    expect(() => map((x: number) => x, { signal: value as never })).toThrow(TypeError);
    expect(() => map((x: number) => x, { signal: value as never })).toThrow(
      `map: expected \`options.signal\` to be an AbortSignal, got ${shown}.`,
    );
  });

  it('a signal from another realm or a polyfill with the same shape is accepted', () => {
    const lookalike = { aborted: false, addEventListener: listen, removeEventListener: listen };
    expect(() => map((x: number) => x, { signal: lookalike as never })).not.toThrow();
  });
});
