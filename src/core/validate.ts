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

/** A whole number from 0 up, or `Infinity`. @internal */
export function checkCount(where: string, name: string, value: unknown): void {
  if (typeof value !== 'number') {
    throw new TypeError(`${where}: expected \`${name}\` to be a number, got ${describe(value)}.`);
  }
  if (!(value >= 0) || (!Number.isInteger(value) && value !== Infinity)) {
    throw new RangeError(
      `${where}: expected \`${name}\` to be a whole number from 0 up, or Infinity, got ${describe(value)}.`,
    );
  }
}

/** A duration in milliseconds: a number from 0 up (fractions allowed), or `Infinity`. @internal */
export function checkDuration(where: string, name: string, value: unknown): void {
  if (typeof value !== 'number') {
    throw new TypeError(`${where}: expected \`${name}\` to be a number of milliseconds, got ${describe(value)}.`);
  }
  if (!(value >= 0)) {
    throw new RangeError(
      `${where}: expected \`${name}\` to be a number of milliseconds from 0 up (or Infinity), got ${describe(value)}.`,
    );
  }
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
