/**
 * C10: bad input fails at the call, with a message that names the argument and shows what
 * was passed. Every public function checks its arguments with these before doing anything.
 */

/** A short, safe description of any value for error messages. @internal */
export function describe(value: unknown): string {
  if (value === null) return '`null`';
  if (value === undefined) return '`undefined`';
  switch (typeof value) {
    case 'string':
      return `\`${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}\` (string)`;
    case 'number':
    case 'boolean':
    case 'bigint':
      return `\`${String(value)}\` (${typeof value})`;
    case 'symbol':
      return `\`${value.toString()}\` (symbol)`;
    case 'function':
      return value.name ? `a function \`${value.name}\`` : 'a function';
    default: {
      if (Array.isArray(value)) return 'an array';
      const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
      return typeof name === 'string' && name !== '' && name !== 'Object' ? `an instance of ${name}` : 'an object';
    }
  }
}

/** @internal */
export function checkFunction(where: string, name: string, value: unknown): void {
  if (typeof value !== 'function') {
    throw new TypeError(`${where}: expected \`${name}\` to be a function, got ${describe(value)}.`);
  }
}

/**
 * The kinds of numeric argument, each with the one wording every function uses for it, so
 * `take(-1)`, `drop(-1)` and `batch(0)` explain themselves the same way, and `buffered(0)`
 * and `buffered(-1)` say the same thing.
 */
const RANGES = {
  /** take, drop, maxItemEvents. */
  count: { type: 'a number', text: 'a whole number from 0 up, or Infinity', min: 0, whole: true, infinite: true },
  /** buffered's size, batch's count: something to allocate, so finite. */
  size: { type: 'a number', text: 'a whole number from 1 up', min: 1, whole: true, infinite: false },
  /** How many things at once (flatMap, map), or at most (batchTime's max). */
  concurrency: { type: 'a number', text: 'a whole number from 1 up, or Infinity', min: 1, whole: true, infinite: true },
  /** A deadline that may be "never" (closeTimeout). */
  duration: {
    type: 'a number of milliseconds',
    text: 'a number of milliseconds from 0 up, or Infinity',
    min: 0,
    whole: false,
    infinite: true,
  },
  /** A timer's period or delay (timeout, interval, batchTime, throttle, debounce). */
  delay: { type: 'a number of milliseconds', text: 'a finite number of milliseconds from 0 up', min: 0, whole: false, infinite: false },
  /** A Node stream's highWaterMark: 0 (nothing read ahead) is allowed, Infinity is not (Node refuses it). */
  watermark: { type: 'a number', text: 'a whole number from 0 up', min: 0, whole: true, infinite: false },
} as const;

/** @internal */
export type RangeKind = keyof typeof RANGES;

/**
 * C10: a number in the range `kind` names: TypeError when it is not a number, RangeError
 * when it is out of range, both naming the argument and what was passed.
 * @internal
 */
export function checkRange(where: string, name: string, value: unknown, kind: RangeKind): asserts value is number {
  const range = RANGES[kind];
  if (typeof value !== 'number') {
    throw new TypeError(`${where}: expected \`${name}\` to be ${range.type}, got ${describe(value)}.`);
  }
  // NaN fails the first comparison.
  const inRange = value >= range.min && (value === Infinity ? range.infinite : !range.whole || Number.isInteger(value));
  if (!inRange) {
    throw new RangeError(`${where}: expected \`${name}\` to be ${range.text}, got ${describe(value)}.`);
  }
}

/** A whole number from 0 up, or `Infinity`. @internal */
export function checkCount(where: string, name: string, value: unknown): void {
  checkRange(where, name, value, 'count');
}

/** A duration in milliseconds: a number from 0 up (fractions allowed), or `Infinity`. @internal */
export function checkDuration(where: string, name: string, value: unknown): void {
  checkRange(where, name, value, 'duration');
}

/** @internal */
export function checkSignal(where: string, name: string, value: unknown): void {
  if (
    typeof value !== 'object' ||
    value === null ||
    typeof (value as AbortSignal).aborted !== 'boolean' ||
    typeof (value as AbortSignal).addEventListener !== 'function'
  ) {
    throw new TypeError(`${where}: expected \`${name}\` to be an AbortSignal, got ${describe(value)}.`);
  }
}

/** @internal */
export function checkOptions(where: string, value: unknown): void {
  if (value !== undefined && (typeof value !== 'object' || value === null)) {
    throw new TypeError(`${where}: expected \`options\` to be an object or undefined, got ${describe(value)}.`);
  }
}

/**
 * C10: the options every stage takes (`signal`, `closeTimeout`), checked when the operator
 * is called, not when `pipe` applies it.
 * @internal
 */
export function checkStageOptions(where: string, options: unknown): void {
  checkOptions(where, options);
  if (options === undefined) return;
  const { signal, closeTimeout } = options as { signal?: unknown; closeTimeout?: unknown };
  if (signal !== undefined) checkSignal(where, 'options.signal', signal);
  if (closeTimeout !== undefined) checkDuration(where, 'options.closeTimeout', closeTimeout);
}

/**
 * C10: an options object has only the keys the function knows; a misspelt option is an
 * error at the call instead of a setting silently ignored.
 * @internal
 */
export function checkKnownKeys(where: string, options: object, known: readonly string[]): void {
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      throw new TypeError(
        `${where}: unknown option ${describe(key)}; expected one of ${known.map((k) => `\`${k}\``).join(', ')}.`,
      );
    }
  }
}
