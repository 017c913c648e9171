/**
 * What a stage can read from, and how it is opened. C1: an iterator is already open (the
 * stage owns it from the start); an iterable opens nothing until the first `next()`.
 */
import { NO_ERROR, suppress } from './errors.js';
import { describe } from './validate.js';

/**
 * Anything a stage accepts as its source: an async iterable or iterator, or a sync
 * iterable (whose items may be promises, awaited in order, as `for await` does).
 *
 * @example
 * ```ts
 * import { aclosing, type Source } from 'iterscope';
 *
 * const fromArray: Source<number> = [1, 2, 3];
 * const fromPromises: Source<number> = [Promise.resolve(1), 2];
 * async function* gen() { yield 1; }
 * const fromGenerator: Source<number> = gen();
 * await aclosing(fromArray).return();
 * ```
 */
export type Source<T> = AsyncIterable<T> | AsyncIterator<T> | Iterable<T | PromiseLike<T>>;

/**
 * The element type of a {@link Source}: what `for await` over it yields.
 *
 * @example
 * ```ts
 * import type { SourceItem } from 'iterscope';
 *
 * type FromArray = SourceItem<Promise<number>[]>;    // number
 * type FromGenerator = SourceItem<AsyncGenerator<string>>; // string
 * const x: FromArray = 1;
 * const y: FromGenerator = 'a';
 * console.log(x, y);
 * ```
 */
export type SourceItem<S> = S extends AsyncIterable<infer T>
  ? T
  : S extends AsyncIterator<infer T>
    ? T
    : S extends Iterable<infer T>
      ? Awaited<T>
      : never;

type Opener = (signal: AbortSignal | undefined) => AsyncIterator<unknown>;

/** A classified source: either already open, or a way to open it later. @internal */
export type Classified =
  | { readonly open: true; readonly iterator: AsyncIterator<unknown> }
  | {
      readonly open: false;
      readonly opener: Opener;
      /** C3: the opener declares a signal parameter; the stage hands it its close signal. */
      readonly takesSignal: boolean;
    };

interface Probe {
  readonly next?: unknown;
  readonly then?: unknown;
  readonly [Symbol.asyncIterator]?: unknown;
  readonly [Symbol.iterator]?: unknown;
}

function isObjectLike(value: unknown): value is Probe {
  return (typeof value === 'object' && value !== null) || typeof value === 'function';
}

/**
 * C10: classify at the call site, so a wrong source is a `TypeError` at once, naming what
 * was passed, not a failure at the first `next()`.
 * @internal
 */
export function classify(where: string, source: unknown): Classified {
  if (isObjectLike(source)) {
    const asyncIt = source[Symbol.asyncIterator];
    const syncIt = source[Symbol.iterator];
    if (typeof source.next === 'function') {
      // Already an iterator. A sync iterator (a `function*` object) has Symbol.iterator and
      // no Symbol.asyncIterator; its items are awaited like `for await` awaits them.
      if (typeof asyncIt !== 'function' && typeof syncIt === 'function') {
        return { open: true, iterator: new SyncIteratorAdapter(source as unknown as Iterator<unknown>) };
      }
      return { open: true, iterator: source as unknown as AsyncIterator<unknown> };
    }
    if (typeof asyncIt === 'function') {
      // C3: sources that accept a signal in [Symbol.asyncIterator](signal) (ix) receive the
      // stage's close signal. Only a method that declares the parameter gets one, so a
      // stage over a generator or an array never creates an AbortController.
      return {
        open: false,
        opener: (signal) => checkIterator(where, (asyncIt as (s?: AbortSignal) => unknown).call(source, signal)),
        takesSignal: asyncIt.length > 0,
      };
    }
    if (typeof syncIt === 'function') {
      return {
        open: false,
        opener: () =>
          new SyncIteratorAdapter(checkSyncIterator(where, (syncIt as () => unknown).call(source))),
        takesSignal: false,
      };
    }
  } else if (typeof source === 'string') {
    // Strings are iterable, but a string passed as a stream source is almost always a
    // mistake (a URL, a file name); iterate `[...text]` explicitly if you mean characters.
    throw new TypeError(
      `${where}: expected \`source\` to be an async iterable, an async iterator or an iterable, got ${describe(source)}. To stream a string's characters, pass \`[...text]\`.`,
    );
  }
  throw new TypeError(
    `${where}: expected \`source\` to be an async iterable, an async iterator or an iterable, got ${describe(source)}.`,
  );
}

function checkIterator(where: string, value: unknown): AsyncIterator<unknown> {
  if (!isObjectLike(value) || typeof value.next !== 'function') {
    throw new TypeError(`${where}: the source's [Symbol.asyncIterator]() returned ${describe(value)}, not an iterator.`);
  }
  return value as unknown as AsyncIterator<unknown>;
}

function checkSyncIterator(where: string, value: unknown): Iterator<unknown> {
  if (!isObjectLike(value) || typeof value.next !== 'function') {
    throw new TypeError(`${where}: the source's [Symbol.iterator]() returned ${describe(value)}, not an iterator.`);
  }
  return value as unknown as Iterator<unknown>;
}

/** @internal */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return isObjectLike(value) && typeof value.then === 'function';
}

/**
 * A sync iterator read as an async one, the way `for await` reads it: each item is
 * awaited; an item that rejects closes the sync iterator (as the language does since
 * ES2025) and rejects `next()`.
 */
class SyncIteratorAdapter implements AsyncIterator<unknown> {
  readonly #iterator: Iterator<unknown>;
  constructor(iterator: Iterator<unknown>) {
    this.#iterator = iterator;
  }

  next(): Promise<IteratorResult<unknown>> {
    // C1: a reader with several reads in flight (buffered) may ask again after an item
    // rejected and the adapter closed the iterator; a closed iterator is never read.
    if (this.#closed) return Promise.resolve({ done: true, value: undefined });
    let result: IteratorResult<unknown>;
    try {
      result = this.#iterator.next();
    } catch (err) {
      return Promise.reject(err);
    }
    if (!isObjectLike(result)) {
      return Promise.reject(new TypeError(`The source's iterator returned ${describe(result)} from next(), not an object.`));
    }
    if (result.done === true) return Promise.resolve(result);
    const value = result.value;
    if (!isThenable(value)) return Promise.resolve({ done: false, value });
    return Promise.resolve(value).then(
      (settled) => ({ done: false, value: settled }),
      (err: unknown) => {
        // C5: the language drops an error from this close; iterscope attaches it instead.
        throw suppress(this.#closeAfterRejection(), err);
      },
    );
  }

  return(): Promise<IteratorResult<unknown>> {
    const iterator = this.#iterator;
    // C1: after a rejected item the adapter closed the sync iterator itself; never twice.
    if (this.#closed || typeof iterator.return !== 'function') return Promise.resolve({ done: true, value: undefined });
    this.#closed = true;
    try {
      return Promise.resolve(iterator.return());
    } catch (err) {
      return Promise.reject(err);
    }
  }

  #closed = false;

  #closeAfterRejection(): unknown {
    if (this.#closed) return NO_ERROR; // closed by the reader while the item was pending
    this.#closed = true;
    try {
      this.#iterator.return?.();
    } catch (error) {
      return error;
    }
    return NO_ERROR;
  }
}

