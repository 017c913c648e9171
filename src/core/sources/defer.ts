import { classify, isThenable, type Source } from '../source.js';
import { PassStage, type Stage, type StageOptions } from '../stage.js';
import { checkFunction } from '../validate.js';

/**
 * A source built on demand: `factory(signal)` is called on the first `next()`, and may
 * return an iterable, an async iterable or iterator, or a promise of one (an SDK call that
 * resolves to a stream). `signal` is the stage's close signal (C3): it aborts when the
 * stream stops for any reason, so the request behind the stream is cancelled by a `break`,
 * a `take` that has enough, an error, or an abort (then with the abort's exact reason).
 * This is the way to make an SDK call cancellable by closing the stream:
 * `defer((signal) => client.chat.completions.create({ ...body, stream: true }, { signal }))`.
 *
 * The stream's own rules are those of {@link aclosing}: what `factory` returned is closed
 * exactly once, a pending `next()` settles at once on close, and `options.signal` aborts it.
 *
 * @param factory - `(signal) => source`, or a promise of a source.
 * @param options - `signal` to abort, `closeTimeout` for the close deadline in ms.
 * @returns A stage reading what `factory` returns.
 * @throws TypeError at the call when `factory` is not a function; the first `next()`
 * rejects with a TypeError when what it returned is not iterable.
 * @example
 * ```ts
 * import { defer, pipe, take, toArray } from 'iterscope';
 *
 * // A stand-in for an SDK call that streams and honours a signal, like
 * // `client.chat.completions.create({ ...body, stream: true }, { signal })`.
 * async function createStream(text: string, options: { signal: AbortSignal }) {
 *   options.signal.addEventListener('abort', () => console.log('request cancelled'));
 *   return (async function* () {
 *     for (const word of text.split(' ')) yield word;
 *   })();
 * }
 *
 * const words = defer((signal) => createStream('one two three', { signal }));
 * console.log(await toArray(pipe(words, take(2)))); // 'request cancelled', then ['one', 'two']
 * ```
 */
export function defer<T>(
  factory: (signal: AbortSignal) => Source<T> | PromiseLike<Source<T>>,
  options?: StageOptions,
): Stage<T> {
  checkFunction('defer', 'factory', factory);
  return new PassStage<T>('defer', deferred(factory), options);
}

/**
 * An iterable that calls the factory when the stage opens it. Its `[Symbol.asyncIterator]`
 * declares the signal parameter, so the stage hands it its close signal (C3).
 */
function deferred<T>(factory: (signal: AbortSignal) => unknown): AsyncIterable<T> {
  return {
    [Symbol.asyncIterator](signal?: AbortSignal): AsyncIterator<T> {
      const made = factory(signal ?? new AbortController().signal);
      if (isThenable(made)) return new PendingSource<T>(made, signal);
      return openMade(made, signal);
    },
  };
}

/** Open what the factory returned; a source that takes a signal gets the same one. */
function openMade<T>(made: unknown, signal: AbortSignal | undefined): AsyncIterator<T> {
  const classified = classify('defer: what `factory` returned', made);
  if (classified.open) return classified.iterator as AsyncIterator<T>;
  return classified.opener(classified.takesSignal ? signal : undefined) as AsyncIterator<T>;
}

const DONE: IteratorReturnResult<undefined> = Object.freeze({ done: true, value: undefined });

/** The source while the factory's promise is pending: reads and the close wait for it. */
class PendingSource<T> implements AsyncIterator<T> {
  readonly #opened: Promise<AsyncIterator<T>>;
  #iterator: AsyncIterator<T> | undefined;

  constructor(made: PromiseLike<unknown>, signal: AbortSignal | undefined) {
    this.#opened = Promise.resolve(made).then((source) => (this.#iterator = openMade<T>(source, signal)));
  }

  next(): Promise<IteratorResult<T>> {
    const iterator = this.#iterator;
    if (iterator !== undefined) return iterator.next();
    return this.#opened.then((opened) => opened.next());
  }

  return(): Promise<IteratorResult<T>> {
    const close = (opened: AsyncIterator<T>): Promise<IteratorResult<T>> =>
      typeof opened.return === 'function' ? Promise.resolve(opened.return()) : Promise.resolve(DONE);
    const iterator = this.#iterator;
    if (iterator !== undefined) return close(iterator);
    // C1: nothing was made if the factory failed (its rejection went to the read).
    return this.#opened.then(close, () => DONE);
  }
}
