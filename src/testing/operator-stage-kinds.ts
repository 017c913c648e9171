/**
 * Stage kinds for the operators added after the first set (startWith, dropWhile, batch,
 * ...): the property suite generates them like every built-in kind. Operators whose
 * options object is not `StageOptions` of their own (startWith, endWith) take the
 * scenario's signal through `abortable`, the way users would pass one.
 */
import {
  abortable,
  aclosing,
  batch,
  batchTime,
  catchError,
  concat,
  debounce,
  distinct,
  distinctUntilChanged,
  dropWhile,
  endWith,
  map,
  merge,
  pairwise,
  retry,
  zip,
  pipe,
  share,
  startWith,
  switchMap,
  takeUntil,
  tee,
  throttle,
  type Source,
} from 'iterscope';
import { ticks } from './ticks.js';
import { stageKind, type PipelineSource, type StageKind } from './stage-kind.js';

const asSource = (source: PipelineSource): Source<number> => source as Source<number>;

/** A source whose first read fails with `error`. */
function failing(error: unknown): Iterable<number> {
  return {
    [Symbol.iterator]: () => ({
      next: (): IteratorResult<number> => {
        throw error;
      },
    }),
  };
}

/** @internal */
export function operatorStages(): StageKind[] {
  return [
    stageKind('startWith', (source, { variant, signal }) =>
      pipe(asSource(source), startWith(...Array.from({ length: variant % 3 }, (_, i) => -1 - i)), abortable(signal))),
    stageKind('endWith', (source, { variant, signal }) =>
      pipe(asSource(source), endWith(...Array.from({ length: variant % 3 }, (_, i) => -1 - i)), abortable(signal))),
    stageKind('dropWhile', (source, { variant, options, error }) => {
      if (variant % 4 === 3) {
        return pipe(asSource(source), dropWhile((_x: number, i) => {
          if (i === 1) throw error('callback', i);
          return true;
        }, options));
      }
      return pipe(asSource(source), dropWhile((_x: number, i) => i < variant % 3, options));
    }),
    stageKind('distinct', (source, { variant, options }) =>
      pipe(asSource(source), distinct(variant % 2 === 0 ? undefined : (x: number) => x % 2, options))),
    stageKind('distinctUntilChanged', (source, { variant, options }) =>
      pipe(asSource(source), distinctUntilChanged(variant % 2 === 0 ? undefined : (a: number, b: number) => a + 1 === b, options))),
    stageKind('pairwise', (source, { options }) =>
      pipe(pipe(asSource(source), pairwise(options)), map(([, b]: [number, number]) => b))),
    stageKind('batch', (source, { variant, options }) =>
      pipe(pipe(asSource(source), batch(1 + (variant % 3), options)), map((items: number[]) => items.length))),
    // A notifier from the scenario's pool: it stops the stream at its first item, and is
    // closed with the stage (C1, C4).
    stageKind('takeUntil', (source, { options, probe }) => pipe(asSource(source), takeUntil(probe() as Source<unknown>, options))),
    // The handler rethrows, switches to a replacement that fails with the caught error (C1:
    // the failed source is not closed), or recovers with a replacement from the scenario's
    // pool, marking the error handled (it reaches the consumer in the first two only).
    stageKind('catchError', (source, { variant, options, probe, handled }) =>
      pipe(asSource(source), catchError((error) => {
        if (variant % 3 === 0) throw error;
        if (variant % 3 === 1) return failing(error);
        handled(error);
        return probe() as Source<number>;
      }, options))),
    // Calls that finish out of order (jittered by ticks), some failing.
    stageKind('mapConcurrent', (source, { variant, options, error }) =>
      pipe(asSource(source), map(async (x: number, i) => {
        await ticks((variant + i * 5) % 4);
        if (variant % 4 === 3 && i === 1) throw error('callback', i);
        return x;
      }, { ...options, concurrency: 2 + (variant % 3), ordered: variant % 2 === 0 }))),
    // A window of 0 passes everything; one no scenario outlasts passes only the first item.
    // Each item opens an inner from the scenario's pool; the next item closes the running
    // one first (C1, C4: awaited), so inners are closed while the stage reads on.
    stageKind('switchMap', (source, { variant, options, probe, error }) =>
      pipe(asSource(source), switchMap((_x: number, i) => {
        if (variant % 4 === 3 && i === 1) throw error('callback', i);
        return probe() as Source<number>;
      }, options))),
    // Two consumers of the source, read side by side: it is closed once, when the second
    // leaves (C1); each branch may lag the other by `bufferSize` items. The signal goes to
    // the consumers and to the stage that reads them (zip and merge take none of their own,
    // and an item one branch read before an abort may wait there: C3 rule 1).
    stageKind('tee', (source, { variant, options }) =>
      pipe(zip(...tee(asSource(source), 2, { ...options, bufferSize: 1 + (variant % 3) })), map(([first]: number[]) => first ?? -1, options))),
    stageKind('share', (source, { variant, options, signal }) => {
      // Both consumers join before anything is read (merge owns them from the start, so a
      // close before the first read still reaches the source through the last one leaving).
      const shared = share(asSource(source), { ...options, bufferSize: 1 + (variant % 2) });
      return pipe(merge(shared[Symbol.asyncIterator](), shared[Symbol.asyncIterator]()), abortable(signal));
    }),
    // The source below, then a source from the scenario's pool that retry reopens: each
    // attempt opens a fresh one (C1: a failed attempt is finished, never closed). The errors
    // it retries are handled on purpose; the last one, past `count`, reaches the consumer.
    stageKind('retry', (source, { variant, options, probe, handled }) => {
      const reopenable: AsyncIterable<number> = { [Symbol.asyncIterator]: () => aclosing(asSource(probe())) };
      const retried = pipe(reopenable, retry({
        ...options,
        count: variant % 3,
        shouldRetry: (error) => {
          handled(error);
          return true;
        },
      }));
      const both = concat(asSource(source), retried);
      return options === undefined ? both : pipe(both, abortable(options.signal));
    }),
    stageKind('throttle', (source, { variant, options }) => pipe(asSource(source), throttle(variant % 2 === 0 ? 0 : 60_000, options))),
    // A wait of 0 fires once the microtask queue is quiet (the harness turns the event loop
    // then); one no scenario outlasts holds each item until the source ends. Both read
    // ahead while the timer runs, and must leave no timer behind on any stop.
    stageKind('debounce', (source, { variant, options }) => pipe(asSource(source), debounce(variant % 2 === 0 ? 0 : 60_000, options))),
    // Batches closed by count (max 1 or 2), by a timer of 0, or only by the source's end.
    stageKind('batchTime', (source, { variant, options }) => {
      const [ms, max] = ([[0, 2], [60_000, 1], [60_000, 2], [0, Infinity]] as const)[variant % 4] ?? [0, 2];
      return pipe(pipe(asSource(source), batchTime(ms, max, options)), map((items: number[]) => items.length));
    }),
  ];
}
