/**
 * Bytes allocated per item by a piece of code, measured with V8's sampling heap profiler
 * (`node:inspector`, `HeapProfiler.startSampling`). The profiler is told to keep samples of
 * objects that the young and the old generation collections freed, so short-lived garbage
 * (a promise, an array of rest arguments) counts: exactly what a per-item allocation is.
 *
 * A sample's bytes go to the frame that allocated it. `byFrame` groups them by the first
 * frame, from the allocating one outwards, that has a script URL (natives and builtins
 * have none and are skipped: their allocations count for the code that called them), so
 * that `Promise.resolve` inside a source counts for the source, and rest arguments made by
 * `@opentelemetry/api` count for the API. An optimized function's allocations count for the
 * function it was inlined into: the totals are exact up to sampling, the attribution to
 * frames is not.
 */
import { Session } from 'node:inspector/promises';
import { collectGarbage } from './timing.js';

interface ProfileNode {
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly selfSize: number;
  readonly children: readonly ProfileNode[];
}

interface SamplingHeapProfile {
  readonly head: ProfileNode;
}

export interface Allocation {
  /** Estimated bytes allocated per item (all samples, scaled as V8 scales them). */
  readonly perItem: number;
  /** Bytes per item, grouped by `function url:line` of that frame (the largest first). */
  readonly byFrame: readonly (readonly [string, number])[];
}

/**
 * Runs `run` (which returns how many items it processed) once under the sampling heap
 * profiler and returns the bytes it allocated per item. `samplingInterval` is the mean
 * number of bytes between samples: smaller is more precise and slower.
 */
export async function allocationPerItem(run: () => Promise<number>, samplingInterval = 128): Promise<Allocation> {
  const session = new Session();
  session.connect();
  try {
    collectGarbage();
    await session.post('HeapProfiler.startSampling', {
      samplingInterval,
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: true,
    });
    const items = await run();
    const { profile } = (await session.post('HeapProfiler.stopSampling')) as { profile: SamplingHeapProfile };
    return summarize(profile, items);
  } finally {
    session.disconnect();
  }
}

function summarize(profile: SamplingHeapProfile, items: number): Allocation {
  const byFrame = new Map<string, number>();
  let total = 0;
  // Depth first; `owner` is the nearest frame with a URL on the way from the root.
  const walk = (node: ProfileNode, owner: ProfileNode | undefined): void => {
    const own = node.callFrame.url === '' ? owner : node;
    if (node.selfSize > 0) {
      total += node.selfSize;
      const url = own === undefined ? '(native)' : own.callFrame.url;
      const frame = own === undefined ? '(native)' : `${own.callFrame.functionName || '(anonymous)'} ${shortUrl(url)}:${String(own.callFrame.lineNumber + 1)}`;
      byFrame.set(frame, (byFrame.get(frame) ?? 0) + node.selfSize / items);
    }
    for (const child of node.children) walk(child, own);
  };
  walk(profile.head, undefined);
  return {
    perItem: total / items,
    byFrame: [...byFrame].sort((a, b) => b[1] - a[1]),
  };
}

/** The path from `node_modules/` or the repository's root on. */
export function shortUrl(url: string): string {
  const modules = url.lastIndexOf('node_modules/');
  if (modules !== -1) return url.slice(modules + 'node_modules/'.length);
  const dist = url.lastIndexOf('/dist/');
  if (dist !== -1) return url.slice(dist + 1);
  const bench = url.lastIndexOf('/bench/');
  return bench === -1 ? url : url.slice(bench + 1);
}
