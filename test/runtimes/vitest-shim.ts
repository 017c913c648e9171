/**
 * The part of vitest's API that iterscope's contract tests use (`describe`, `it`, `.each`,
 * hooks, `expect` with its common matchers), small enough to run on any JavaScript runtime:
 * Node, Bun, Deno and a browser page. The runtime matrix bundles the real test files with
 * `vitest` resolved to this module, so every runtime runs the same tests as `npm test`,
 * not a copy of them.
 *
 * A matcher the tests use but this module lacks fails the test that uses it (a TypeError on
 * the missing method), never passes it silently.
 */

type Fn = () => unknown;

interface Test {
  readonly name: string;
  readonly fn: Fn;
  readonly timeout: number;
  readonly suite: Suite;
}

interface Suite {
  readonly name: string;
  readonly parent: Suite | undefined;
  readonly beforeEach: Fn[];
  readonly afterEach: Fn[];
  readonly afterAll: Fn[];
}

const DEFAULT_TIMEOUT = 10_000;
const root: Suite = { name: '', parent: undefined, beforeEach: [], afterEach: [], afterAll: [] };
let current: Suite = root;
const tests: Test[] = [];
const fileSuites: Suite[] = [];

/** Starts the scope of one test file: its top-level hooks apply to its own tests only. */
export function beginFile(name: string): void {
  current = { name, parent: root, beforeEach: [], afterEach: [], afterAll: [] };
  fileSuites.push(current);
}

function fullName(suite: Suite, name: string): string {
  const parts = [name];
  for (let s: Suite | undefined = suite; s !== undefined && s !== root; s = s.parent) parts.unshift(s.name);
  return parts.join(' > ');
}

function show(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'function') return value.name;
  try {
    // JSON.stringify returns undefined for undefined and symbols, despite its declared type.
    const json = JSON.stringify(value) as unknown;
    return typeof json === 'string' ? json : String(value);
  } catch {
    return String(value);
  }
}

/** vitest's `%s`/`%i`/`%#` and `$key` placeholders in `.each` names. */
function title(template: string, row: unknown, args: unknown[], index: number): string {
  let i = 0;
  let name = template.replace(/%[sdifjop#%]/g, (spec) => {
    if (spec === '%%') return '%';
    if (spec === '%#') return String(index);
    return show(args[i++]);
  });
  if (row !== null && typeof row === 'object' && !Array.isArray(row)) {
    const fields = row as Record<string, unknown>;
    name = name.replace(/\$([A-Za-z_]\w*)/g, (whole, key: string) => (key in fields ? show(fields[key]) : whole));
  }
  return name;
}

function eachOf(define: (name: string, fn: Fn, timeout?: number) => void) {
  return (table: readonly unknown[]) =>
    (name: string, fn: (...args: never[]) => unknown, timeout?: number): void => {
      table.forEach((row, index) => {
        const args = Array.isArray(row) ? (row as unknown[]) : [row];
        define(title(name, row, args, index), () => (fn as (...a: unknown[]) => unknown)(...args), timeout);
      });
    };
}

function defineSuite(name: string, body: () => void): void {
  const parent = current;
  current = { name, parent, beforeEach: [], afterEach: [], afterAll: [] };
  try {
    body();
  } finally {
    current = parent;
  }
}

function defineTest(name: string, fn: Fn, timeout = DEFAULT_TIMEOUT): void {
  tests.push({ name, fn, timeout, suite: current });
}

let skipped = 0;
const skip = (): void => {
  skipped++;
};

export const describe = Object.assign(defineSuite, {
  each: eachOf(defineSuite),
  concurrent: Object.assign(defineSuite, { each: eachOf(defineSuite) }),
  skip: (): void => undefined,
});
export const it = Object.assign(defineTest, {
  each: eachOf(defineTest),
  concurrent: defineTest,
  skip,
  todo: skip,
});
export const test = it;

export function beforeEach(fn: Fn): void {
  current.beforeEach.push(fn);
}
export function afterEach(fn: Fn): void {
  current.afterEach.push(fn);
}
export function afterAll(fn: Fn): void {
  current.afterAll.push(fn);
}

// ---------------------------------------------------------------------------------------
// expect

interface Asymmetric {
  readonly asymmetricMatch: (actual: unknown) => boolean;
}

function isAsymmetric(value: unknown): value is Asymmetric {
  return value !== null && typeof value === 'object' && typeof (value as Partial<Asymmetric>).asymmetricMatch === 'function';
}

/** vitest's `toEqual`: recursive, ignoring properties whose value is undefined. */
function equals(a: unknown, b: unknown, partial = false): boolean {
  if (isAsymmetric(b)) return b.asymmetricMatch(a);
  if (Object.is(a, b)) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((x, i) => equals(x, b[i], partial));
  }
  if (a instanceof Error && b instanceof Error) {
    if (a.name !== b.name || a.message !== b.message) return false;
  }
  if (a instanceof Map && b instanceof Map) return a.size === b.size && [...a].every(([k, v]) => equals(v, b.get(k), partial));
  if (a instanceof Set && b instanceof Set) return a.size === b.size && [...a].every((v) => b.has(v));
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  const keys = (r: Record<string, unknown>): string[] => Object.keys(r).filter((k) => r[k] !== undefined);
  if (partial) return keys(rb).every((k) => equals(ra[k], rb[k], true));
  const ka = keys(ra);
  const kb = keys(rb);
  return ka.length === kb.length && kb.every((k) => equals(ra[k], rb[k]));
}

/** What `toThrow(expected)` accepts: any error, a message part, a pattern, a class or an error. */
function thrownMatches(error: unknown, expected: unknown): boolean {
  if (expected === undefined) return true;
  const message = error instanceof Error ? error.message : String(error);
  if (typeof expected === 'string') return message.includes(expected);
  if (expected instanceof RegExp) return expected.test(message);
  if (typeof expected === 'function') return error instanceof (expected as new () => unknown);
  if (expected instanceof Error) return message === expected.message;
  return equals(error, expected, true);
}

class AssertionError extends Error {
  override name = 'AssertionError';
}

const matcherNames = [
  'toBe', 'toEqual', 'toStrictEqual', 'toMatchObject', 'toHaveLength', 'toContain', 'toContainEqual', 'toBeInstanceOf', 'toMatch',
  'toBeDefined', 'toBeUndefined', 'toBeNull', 'toBeTruthy', 'toBeFalsy', 'toBeGreaterThan',
  'toBeGreaterThanOrEqual', 'toBeLessThan', 'toBeLessThanOrEqual', 'toThrow', 'toHaveBeenCalled',
  'toHaveBeenCalledTimes',
] as const;
type Matchers = Record<(typeof matcherNames)[number], (...args: unknown[]) => unknown>;

function matchers(actual: unknown, negate: boolean, label: string | undefined): Matchers {
  const check = (pass: boolean, message: string): void => {
    if (pass === negate) throw new AssertionError(`${label === undefined ? '' : `${label}: `}expected ${show(actual)} ${negate ? 'not ' : ''}${message}`);
  };
  const threw = (): { threw: boolean; error: unknown } => {
    try {
      (actual as () => unknown)();
      return { threw: false, error: undefined };
    } catch (error) {
      return { threw: true, error };
    }
  };
  const length = (): number => (actual as { length: number }).length;
  return {
    toBe: (expected) => {
      check(Object.is(actual, expected), `to be ${show(expected)}`);
    },
    toEqual: (expected) => {
      check(equals(actual, expected), `to equal ${show(expected)}`);
    },
    toStrictEqual: (expected) => {
      check(equals(actual, expected), `to strictly equal ${show(expected)}`);
    },
    toMatchObject: (expected) => {
      check(equals(actual, expected, true), `to match object ${show(expected)}`);
    },
    toHaveLength: (expected) => {
      check(length() === expected, `to have length ${show(expected)}`);
    },
    toContain: (expected) => {
      const container = actual as { includes: (x: unknown) => boolean };
      check(container.includes(expected), `to contain ${show(expected)}`);
    },
    toContainEqual: (expected) => {
      check([...(actual as Iterable<unknown>)].some((item) => equals(item, expected)), `to contain an item equal to ${show(expected)}`);
    },
    toBeInstanceOf: (expected) => {
      check(actual instanceof (expected as new () => unknown), `to be an instance of ${show(expected)}`);
    },
    toMatch: (expected) => {
      const text = actual as string;
      check(typeof expected === 'string' ? text.includes(expected) : (expected as RegExp).test(text), `to match ${String(expected)}`);
    },
    toBeDefined: () => {
      check(actual !== undefined, 'to be defined');
    },
    toBeUndefined: () => {
      check(actual === undefined, 'to be undefined');
    },
    toBeNull: () => {
      check(actual === null, 'to be null');
    },
    toBeTruthy: () => {
      check(Boolean(actual), 'to be truthy');
    },
    toBeFalsy: () => {
      check(!actual, 'to be falsy');
    },
    toBeGreaterThan: (n) => {
      check((actual as number) > (n as number), `to be greater than ${show(n)}`);
    },
    toBeGreaterThanOrEqual: (n) => {
      check((actual as number) >= (n as number), `to be at least ${show(n)}`);
    },
    toBeLessThan: (n) => {
      check((actual as number) < (n as number), `to be less than ${show(n)}`);
    },
    toBeLessThanOrEqual: (n) => {
      check((actual as number) <= (n as number), `to be at most ${show(n)}`);
    },
    toHaveBeenCalled: () => {
      check(callsOf(actual).length > 0, 'to have been called');
    },
    toHaveBeenCalledTimes: (n) => {
      check(callsOf(actual).length === n, `to have been called ${show(n)} times (called ${String(callsOf(actual).length)})`);
    },
    toThrow: (expected) => {
      const result = threw();
      check(result.threw && thrownMatches(result.error, expected), `to throw ${show(expected)} (threw ${result.threw ? show(result.error instanceof Error ? String(result.error) : result.error) : 'nothing'})`);
    },
  };
}

/** Matchers applied to what a promise settles with; `rejects.toThrow` checks the reason. */
function settled(actual: unknown, rejects: boolean, negate: boolean, label: string | undefined): Matchers {
  const out = {} as Matchers;
  for (const key of matcherNames) {
    out[key] = async (...args) => {
      let value: unknown;
      let rejected = false;
      try {
        value = await actual;
      } catch (error) {
        rejected = true;
        value = error;
      }
      if (rejected !== rejects) {
        throw new AssertionError(`expected the promise to ${rejects ? 'reject' : 'resolve'}, it ${rejected ? 'rejected' : 'resolved'} with ${show(value instanceof Error ? String(value) : value)}`);
      }
      const target = key === 'toThrow' ? () => { throw value; } : value;
      return matchers(target, negate, label)[key](...args);
    };
  }
  return out;
}

export function expect(actual: unknown, label?: string): Matchers & { not: Matchers; rejects: Matchers & { not: Matchers }; resolves: Matchers & { not: Matchers } } {
  return Object.assign(matchers(actual, false, label), {
    not: matchers(actual, true, label),
    rejects: Object.assign(settled(actual, true, false, label), { not: settled(actual, true, true, label) }),
    resolves: Object.assign(settled(actual, false, false, label), { not: settled(actual, false, true, label) }),
  });
}
expect.objectContaining = (expected: Record<string, unknown>): Asymmetric => ({
  asymmetricMatch: (actual) => equals(actual, expected, true),
});
expect.any = (type: unknown): Asymmetric => ({
  asymmetricMatch: (actual) =>
    actual !== null && actual !== undefined && (actual instanceof (type as new () => unknown) || Object(actual) instanceof (type as new () => unknown)),
});

// ---------------------------------------------------------------------------------------
// vi: mocks, spies, a fake Date and fake timers (what the tests use of them, no more)

interface Mock {
  (...args: unknown[]): unknown;
  readonly mock: { readonly calls: unknown[][] };
  mockRestore(): void;
}

/** The calls a mock recorded; anything else is not a mock, and the matcher says so. */
function callsOf(value: unknown): unknown[][] {
  const calls = (value as Partial<Mock> | null | undefined)?.mock?.calls;
  if (!Array.isArray(calls)) throw new AssertionError(`expected a mock (vi.fn or vi.spyOn), got ${show(value)}`);
  return calls;
}

/** A function (or class) that records its calls, `new` included, and runs `impl`. */
function mockOf(impl: (...args: unknown[]) => unknown, restore: () => void): Mock {
  const calls: unknown[][] = [];
  const mock = new Proxy(impl, {
    apply: (target, self, args: unknown[]) => {
      calls.push(args);
      return Reflect.apply(target, self, args);
    },
    construct: (target, args: unknown[], newTarget) => {
      calls.push(args);
      return Reflect.construct(target, args, newTarget === mock ? target : newTarget) as object;
    },
  }) as unknown as Mock;
  Object.defineProperty(mock, 'mock', { value: { calls } });
  Object.defineProperty(mock, 'mockRestore', { value: restore });
  return mock;
}

const RealDate = Date;
let fakeNow: number | undefined;

/** `Date` with the clock stopped at `fakeNow`: `Date.now()` and `new Date()` read it. */
class FakeDate extends RealDate {
  constructor(...args: unknown[]) {
    if (args.length === 0) super(fakeNow ?? RealDate.now());
    else super(...(args as [number]));
  }
  static override now(): number {
    return fakeNow ?? RealDate.now();
  }
}

// The shim's own timers (test timeouts, turns of the event loop) always use the real ones.
const realSetTimeout = globalThis.setTimeout;
const realClearTimeout = globalThis.clearTimeout;

/**
 * Fake `setTimeout`/`clearTimeout` on a clock of their own that only `advanceTimersByTime`
 * moves, as vitest's are: a timer fires when the clock passes its time, in time order
 * (then in the order they were set).
 */
interface FakeTimer {
  readonly at: number;
  readonly seq: number;
  readonly fn: (...args: unknown[]) => void;
  readonly args: unknown[];
}
const fakeTimers = new Map<number, FakeTimer>();
let clock = 0;
let lastTimerId = 0;
let timersFaked = false;

function fakeSetTimeout(fn: (...args: unknown[]) => void, ms = 0, ...args: unknown[]): number {
  const id = ++lastTimerId;
  fakeTimers.set(id, { at: clock + Math.max(0, ms || 0), seq: id, fn, args });
  return id;
}

function fakeClearTimeout(id: unknown): void {
  if (typeof id === 'number') fakeTimers.delete(id);
}

/** The next timer due by `until`, removed from the set, or undefined. */
function nextDue(until: number): FakeTimer | undefined {
  let next: [number, FakeTimer] | undefined;
  for (const entry of fakeTimers) {
    const timer = entry[1];
    if (timer.at > until) continue;
    if (next === undefined || timer.at < next[1].at || (timer.at === next[1].at && timer.seq < next[1].seq)) next = entry;
  }
  if (next === undefined) return undefined;
  fakeTimers.delete(next[0]);
  return next[1];
}

function requireFakeTimers(name: string): void {
  if (!timersFaked) throw new TypeError(`vi.${name}: call vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] }) first`);
}

const FAKEABLE = new Set(['Date', 'setTimeout', 'clearTimeout', 'performance']);

/** `performance.now` as the runtime has it (an own property in some, the prototype's in others). */
const realPerformanceNow = Object.getOwnPropertyDescriptor(performance, 'now');
let performanceFaked = false;

export const vi = {
  fn(impl: (...args: unknown[]) => unknown = () => undefined): Mock {
    return mockOf(impl, () => undefined);
  },
  spyOn(object: object, key: string): Mock {
    const target = object as Record<string, unknown>;
    const original = target[key];
    if (typeof original !== 'function') throw new TypeError(`vi.spyOn: ${key} is not a function`);
    const spy = mockOf(original as (...args: unknown[]) => unknown, () => {
      target[key] = original;
    });
    target[key] = spy;
    return spy;
  },
  /**
   * `toFake` is required, from `Date`, `setTimeout`, `clearTimeout` and `performance`: the
   * tests fake nothing else. `performance.now()` reads the timers' clock (from 0), as vitest's does.
   */
  useFakeTimers(options?: { toFake?: readonly string[] }): void {
    const faked = options?.toFake ?? [];
    if (faked.length === 0 || faked.some((name) => !FAKEABLE.has(name))) {
      throw new TypeError(`vi.useFakeTimers: the runtime shim fakes only Date, setTimeout, clearTimeout and performance (toFake), got ${show(faked)}`);
    }
    if (faked.includes('performance') && !faked.includes('setTimeout')) {
      throw new TypeError('vi.useFakeTimers: the runtime shim fakes performance only with setTimeout (they share a clock)');
    }
    if (faked.includes('setTimeout') !== faked.includes('clearTimeout')) {
      throw new TypeError('vi.useFakeTimers: the runtime shim fakes setTimeout and clearTimeout together');
    }
    if (faked.includes('Date')) {
      fakeNow = RealDate.now();
      globalThis.Date = FakeDate as DateConstructor;
    }
    if (faked.includes('setTimeout')) {
      timersFaked = true;
      fakeTimers.clear();
      clock = 0;
      globalThis.setTimeout = fakeSetTimeout as unknown as typeof setTimeout;
      globalThis.clearTimeout = fakeClearTimeout;
    }
    if (faked.includes('performance')) {
      performanceFaked = true;
      Object.defineProperty(performance, 'now', { value: () => clock, configurable: true, writable: true });
    }
  },
  setSystemTime(time: number | Date): void {
    if (globalThis.Date !== FakeDate) throw new TypeError('vi.setSystemTime: call vi.useFakeTimers first');
    fakeNow = typeof time === 'number' ? time : time.getTime();
  },
  /** Move the fake clock on by `ms`, firing every timer due on the way, in order. */
  advanceTimersByTime(ms: number): void {
    requireFakeTimers('advanceTimersByTime');
    const until = clock + ms;
    for (let timer = nextDue(until); timer !== undefined; timer = nextDue(until)) {
      clock = timer.at;
      timer.fn(...timer.args);
    }
    clock = until;
  },
  /** As `advanceTimersByTime`, letting promise reactions run before each timer and after the last. */
  async advanceTimersByTimeAsync(ms: number): Promise<void> {
    requireFakeTimers('advanceTimersByTimeAsync');
    const until = clock + ms;
    const turn = (): Promise<void> =>
      new Promise((resolve) => {
        realSetTimeout(resolve, 0);
      });
    await turn();
    for (let timer = nextDue(until); timer !== undefined; timer = nextDue(until)) {
      clock = timer.at;
      timer.fn(...timer.args);
      await turn();
    }
    clock = until;
  },
  /** How many fake timers are set and have neither fired nor been cleared. */
  getTimerCount(): number {
    requireFakeTimers('getTimerCount');
    return fakeTimers.size;
  },
  useRealTimers(): void {
    fakeNow = undefined;
    globalThis.Date = RealDate;
    if (timersFaked) {
      timersFaked = false;
      fakeTimers.clear();
      globalThis.setTimeout = realSetTimeout;
      globalThis.clearTimeout = realClearTimeout;
    }
    if (performanceFaked) {
      performanceFaked = false;
      if (realPerformanceNow === undefined) Reflect.deleteProperty(performance, 'now');
      else Object.defineProperty(performance, 'now', realPerformanceNow);
    }
  },
};

// ---------------------------------------------------------------------------------------
// running

/** Rejections nobody handled fail the test during which they surfaced (as in `npm test`). */
const incidents: unknown[] = [];
export function unhandled(reason: unknown): void {
  incidents.push(reason);
}

function withTimeout(promise: Promise<unknown>, ms: number, name: string): Promise<unknown> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise((_, reject) => {
    timer = realSetTimeout(() => {
      reject(new Error(`${name}: timed out after ${String(ms)} ms`));
    }, ms);
  });
  return Promise.race([promise, timeout]).finally(() => {
    realClearTimeout(timer);
  });
}

function hooks(suite: Suite, kind: 'beforeEach' | 'afterEach'): Fn[] {
  const chain: Suite[] = [];
  for (let s: Suite | undefined = suite; s !== undefined; s = s.parent) chain.unshift(s);
  const fns = chain.flatMap((s) => s[kind]);
  return kind === 'afterEach' ? fns.reverse() : fns;
}

export interface Summary {
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
  readonly failures: string[];
}

/**
 * Runs every test defined so far, one at a time, and returns the counts. `skip` names
 * tests this runtime cannot run (each with its reason), which are counted as skipped.
 */
export async function run(options: { readonly skip?: Readonly<Record<string, string>>; readonly log: (line: string) => void }): Promise<Summary> {
  let passed = 0;
  const failures: string[] = [];
  const yieldTurn = (): Promise<void> => new Promise((resolve) => realSetTimeout(resolve, 0));
  for (const t of tests) {
    const name = fullName(t.suite, t.name);
    if (options.skip !== undefined && Object.keys(options.skip).some((part) => name.includes(part))) {
      skipped++;
      continue;
    }
    incidents.length = 0;
    try {
      for (const hook of hooks(t.suite, 'beforeEach')) await hook();
      try {
        await withTimeout(Promise.resolve().then(t.fn), t.timeout, name);
      } finally {
        for (const hook of hooks(t.suite, 'afterEach')) await hook();
      }
      // Give rejections from the test a turn of the event loop to surface.
      await yieldTurn();
      if (incidents.length > 0) throw new Error(`unhandled rejection: ${incidents.map((e) => String(e)).join('; ')}`);
      passed++;
    } catch (error) {
      const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      failures.push(name);
      options.log(`FAIL ${name}\n  ${detail}`);
    }
  }
  for (const suite of fileSuites) for (const hook of suite.afterAll) await hook();
  return { passed, failed: failures.length, skipped, failures };
}
