/**
 * The stage kinds generated pipelines draw from by default: iterscope's operators, and a
 * plain `async function*` stage written the way users write them.
 */
import {
  abortable,
  aclosing,
  borrow,
  buffered,
  concat,
  drop,
  dropWhile,
  filter,
  flatMap,
  map,
  merge,
  pipe,
  race,
  scan,
  take,
  takeWhile,
  tap,
  timeout,
  withCleanup,
  zip,
  type Source,
} from 'iterscope';
import { operatorStages } from './operator-stage-kinds.js';
import { ticks } from './ticks.js';
import { stageKind, type PipelineSource, type StageKind } from './stage-kind.js';

const asSource = (source: PipelineSource): Source<number> => source as Source<number>;

function isAsync(source: PipelineSource): source is AsyncIterable<unknown> | AsyncIterator<unknown> {
  return Symbol.asyncIterator in source || typeof (source as { next?: unknown }).next === 'function' && !(Symbol.iterator in source);
}

/**
 * The stage kinds built into the harness: `map` (sync, async, throwing), `filter`,
 * `take`, `withCleanup` (sync, async, throwing cleanups), `aclosing`, `abortable`,
 * `borrow` (with its owner closing after it), `takeWhile`, `drop`, `tap`, `scan`,
 * `fused` (one `pipe` of take, map, drop, takeWhile, filter and dropWhile, which run as
 * one stage, ending or failing where the variant says), `buffered`, `timeout`, `merge`, `zip`, `concat`, `race` (with one or two instrumented
 * siblings), `flatMap` (instrumented inner sources for its first two items, a one-item
 * array for later ones; concurrency 1, 2 or unbounded) and
 * `generator` (a user `async function*` pass-through stage, which does not keep the
 * contract itself).
 *
 * @example
 * ```ts
 * import { builtinStages } from 'iterscope/testing';
 * console.log(builtinStages().map((kind) => kind.name).join(', '));
 * ```
 * @returns A fresh list of the kinds.
 */
export function builtinStages(): StageKind[] {
  return [
    stageKind('map', (source, { variant, options, error }) => {
      const mode = variant % 4;
      const failAt = (variant >> 2) % 4;
      if (mode === 0) return pipe(asSource(source), map((x: number) => x, options));
      if (mode === 1) {
        return pipe(asSource(source), map(async (x: number) => {
          await ticks(variant % 3);
          return x;
        }, options));
      }
      if (mode === 2) {
        return pipe(asSource(source), map((x: number, i) => {
          if (i === failAt) throw error('callback', i);
          return x;
        }, options));
      }
      return pipe(asSource(source), map(async (x: number, i) => {
        await ticks(1);
        if (i === failAt) throw error('callback', i);
        return x;
      }, options));
    }),
    stageKind('filter', (source, { variant, options, error }) => {
      const mode = variant % 3;
      if (mode === 0) return pipe(asSource(source), filter(() => true, options));
      if (mode === 1) return pipe(asSource(source), filter((x: number) => x % 2 === 0, options));
      return pipe(asSource(source), filter((_x: number, i) => {
        if (i === variant % 4) throw error('callback', i);
        return true;
      }, options));
    }),
    stageKind('take', (source, { variant, options }) => pipe(asSource(source), take(variant % 5, options))),
    stageKind('withCleanup', (source, { variant, options, cleanup }) =>
      pipe(asSource(source), withCleanup(cleanup('withCleanup', { ticks: variant % 3, throws: variant % 5 === 4 }), options)),
    ),
    stageKind('aclosing', (source, { options }) => aclosing(asSource(source), options)),
    stageKind('abortable', (source, { signal }) => pipe(asSource(source), abortable(signal))),
    stageKind('borrow', (source, { options, cleanup }) => {
      // The owner's pattern: read through a borrow, close the iterator itself afterwards.
      // The cleanup holds it weakly (the borrow holds it while reading): a cleanup holding
      // it strongly would keep an abandoned, parked chain alive (docs/contract.md, C7).
      const owned = new WeakRef(aclosing(asSource(source)));
      const release = cleanup('borrow-owner', { owner: true });
      return pipe(borrow(owned.deref() as AsyncIterator<number>, options), withCleanup(async (exit) => {
        try {
          await owned.deref()?.return();
        } finally {
          await release(exit);
        }
      }, options)); // the kind's boundary takes the signal, not only the borrow inside it
    }),
    stageKind('takeWhile', (source, { variant, options }) =>
      pipe(asSource(source), takeWhile((x: number) => x < variant % 5, options))),
    stageKind('drop', (source, { variant, options }) => pipe(asSource(source), drop(variant % 3, options))),
    stageKind('tap', (source, { variant, options, error }) =>
      pipe(asSource(source), tap((_x: number, i) => {
        if (variant % 4 === 3 && i === 1) throw error('callback', i);
      }, options))),
    stageKind('scan', (source, { options }) => pipe(asSource(source), scan((sum: number, x: number) => sum + x, 0, options))),
    // One pipe call: its per-item operators run as one stage (fusion). take, with the
    // kind's options, is the stage's own operator; the steps fused after it stop the
    // stream (takeWhile), fail (map) or drop items, at places the variant picks.
    stageKind('fused', (source, { variant, options, error }) =>
      pipe(
        asSource(source),
        take(1 + (variant % 6), options),
        map((x: number, i) => {
          if (variant % 7 === 3 && i === 1) throw error('callback', i);
          return x;
        }),
        drop(variant % 2),
        takeWhile((_x: number, i) => i < 1 + (variant % 5)),
        filter((_x: number, i) => i % 2 === 0 || variant % 3 !== 0),
        dropWhile(() => false),
      )),
    stageKind('buffered', (source, { variant, options }) => pipe(asSource(source), buffered(1 + (variant % 3), options))),
    // A deadline no scenario reaches (scenarios run on microtasks): checks that the
    // timer stage closes like every other stage and leaves no timer behind.
    stageKind('timeout', (source, { options }) => pipe(asSource(source), timeout(60_000, options))),
    stageKind('merge', (source, { variant, probe }) => merge(asSource(source), ...siblings(variant, probe)), { takesSignal: false }),
    stageKind('zip', (source, { variant, probe }) => zip(asSource(source), ...siblings(variant, probe)), { takesSignal: false }),
    stageKind('concat', (source, { variant, probe }) => concat(asSource(source), ...siblings(variant, probe)), { takesSignal: false }),
    stageKind('race', (source, { variant, probe }) => race(asSource(source), ...siblings(variant, probe)), { takesSignal: false }),
    stageKind('flatMap', (source, { variant, options, probe, error }) => {
      const concurrency = [1, 2, Infinity][variant % 3] ?? 1;
      return pipe(asSource(source), flatMap((x: number, i) => {
        if (variant % 4 === 3 && i === 1) throw error('callback', i);
        // The first two items open instrumented sources, later ones a one-item array:
        // nested flatMaps would otherwise multiply the items (six items through five
        // flatMaps of three-item sources: 1,458), past what a draining consumer reads.
        return i < 2 ? (probe() as Source<number>) : [x];
      }, { ...options, concurrency }));
    }),
    stageKind(
      'generator',
      (source, { generator }) => {
        const upstream = isAsync(source) ? source : aclosing(asSource(source));
        return generator('generator', (hooks) => passThrough(upstream, hooks));
      },
      { keepsContract: false, takesSignal: false },
    ),
    ...operatorStages(),
  ];
}

/** One or two extra instrumented sources for the stages that read several. */
function siblings(variant: number, probe: () => unknown): Source<number>[] {
  return Array.from({ length: 1 + (variant % 2) }, () => probe() as Source<number>);
}

async function* passThrough(
  source: AsyncIterable<unknown> | AsyncIterator<unknown>,
  hooks: { started(): void; cleanup(): Promise<void> },
): AsyncGenerator {
  hooks.started();
  try {
    const iterable: AsyncIterable<unknown> = Symbol.asyncIterator in source ? source : { [Symbol.asyncIterator]: () => source };
    for await (const item of iterable) yield item;
  } finally {
    await hooks.cleanup();
  }
}
