import type { Operator } from '../operator.js';
import type { Source } from '../source.js';
import type { Stage, StageOptions } from '../stage.js';
import { checkFunction, checkStageOptions } from '../validate.js';
import { FlatMapStage } from './flat-map.js';

/**
 * Map each item to a source and read only the newest: when the source yields its next
 * item, the running inner source is closed and `fn` opens the next one (RxJS's
 * `switchMap`; the latest search query wins, its stale request is cancelled).
 *
 * The source is read on while an inner runs, as long as the consumer waits for an item.
 * The switch goes in order: the previous inner's close signal aborts (a `fetch` or an SDK
 * stream given it cancels its request at once), its `return()` is awaited (up to the close
 * deadline), and only then is `fn` called for the new item, so two inners never run at
 * once. Items the previous inner had read and nobody had taken yet are dropped; an error it
 * had already raised is still delivered (C5), and an error from its close fails the stream.
 * The stream ends when the source and the last inner are done; closing it closes the inner
 * (and a close in progress) before the source (C4).
 *
 * @param fn - `(value, index) => source`: an array, a generator, a stage, or a function
 * taking an `AbortSignal` (wrap it in `defer`) so the switch can cancel its I/O.
 * @param options - `signal` and `closeTimeout`, as for `aclosing`.
 * @returns An operator for {@link pipe}.
 * @throws TypeError at the call when `fn` is not a function, or an option is wrong.
 * @example
 * ```ts
 * import { pipe, switchMap, defer, toArray } from 'iterscope';
 *
 * const log: string[] = [];
 * // A wait that ends early when the signal aborts, as `fetch` does.
 * const delay = (ms: number, signal: AbortSignal) =>
 *   new Promise((resolve, reject) => {
 *     const timer = setTimeout(resolve, ms);
 *     signal.addEventListener('abort', () => { clearTimeout(timer); reject(signal.reason); }, { once: true });
 *   });
 * // Each query starts a search; a newer query cancels the one still running.
 * const search = (query: string) =>
 *   defer(async function* (signal) {
 *     log.push(`start ${query}`);
 *     try {
 *       yield `${query}: first hit`;
 *       await delay(30, signal);
 *       yield `${query}: second hit`;
 *     } finally {
 *       if (signal.aborted) log.push(`cancel ${query}`);
 *     }
 *   });
 * async function* queries() {
 *   yield 'it';
 *   await new Promise((resolve) => setTimeout(resolve, 10));
 *   yield 'iterscope';
 * }
 *
 * console.log(await toArray(pipe(queries(), switchMap(search))));
 * // ['it: first hit', 'iterscope: first hit', 'iterscope: second hit']
 * console.log(log); // ['start it', 'cancel it', 'start iterscope']
 * ```
 */
export function switchMap<T, U>(fn: (value: T, index: number) => Source<U>, options?: StageOptions): Operator<T, U> {
  checkFunction('switchMap', 'fn', fn);
  checkStageOptions('switchMap', options);
  return (source): Stage<U> => new FlatMapStage<T, U>(source, fn, 1, options, true);
}
