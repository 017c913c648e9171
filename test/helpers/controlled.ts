/**
 * A source the test drives by hand: each `next()` waits until the test pushes an item,
 * ends the source or fails it. For time-based operators under fake timers: items arrive
 * exactly when the test says, between `vi.advanceTimersByTimeAsync` calls.
 */
export interface Controlled<T> extends AsyncIterator<T> {
  /** How many times next() / return() were called. */
  readonly calls: { next: number; return: number };
  /** Answer the oldest waiting next() (or the next one to come) with `value`. */
  push(value: T): void;
  /** Answer with done. */
  end(): void;
  /** Reject with `error`. */
  fail(error: unknown): void;
  [Symbol.asyncIterator](): Controlled<T>;
}

type Answer<T> = { kind: 'item'; value: T } | { kind: 'end' } | { kind: 'fail'; error: unknown };

export function controlled<T>(): Controlled<T> {
  const calls = { next: 0, return: 0 };
  const answers: Answer<T>[] = [];
  const waiting: { resolve: (r: IteratorResult<T, undefined>) => void; reject: (e: unknown) => void }[] = [];
  const settle = (): void => {
    while (answers.length > 0 && waiting.length > 0) {
      const answer = answers.shift()!;
      const { resolve, reject } = waiting.shift()!;
      if (answer.kind === 'item') resolve({ done: false, value: answer.value });
      else if (answer.kind === 'end') resolve({ done: true, value: undefined });
      else reject(answer.error);
    }
  };
  const it: Controlled<T> = {
    calls,
    next() {
      calls.next++;
      return new Promise<IteratorResult<T, undefined>>((resolve, reject) => {
        waiting.push({ resolve, reject });
        settle();
      });
    },
    return() {
      calls.return++;
      return Promise.resolve({ done: true, value: undefined });
    },
    push(value) {
      answers.push({ kind: 'item', value });
      settle();
    },
    end() {
      answers.push({ kind: 'end' });
      settle();
    },
    fail(error) {
      answers.push({ kind: 'fail', error });
      settle();
    },
    [Symbol.asyncIterator]() {
      return it;
    },
  };
  return it;
}
