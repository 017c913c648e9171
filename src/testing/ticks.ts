/**
 * Interleavings are varied by microtask ticks, never by timers: a run stays fast and the
 * same seed replays the same interleaving (the technique of Repeater's fuzz suite).
 */

/**
 * Wait `count` microtask ticks (`await Promise.resolve()` `count` times). Use it to
 * jitter a source or a consumer without timers, so every interleaving replays from its
 * seed.
 *
 * @param count - How many ticks to wait; 0 returns a resolved promise.
 * @returns A promise that resolves after `count` ticks.
 * @example
 * ```ts
 * import { ticks } from 'iterscope/testing';
 *
 * let flag = false;
 * void Promise.resolve().then(() => { flag = true; });
 * await ticks(2);
 * console.log(flag); // true
 * ```
 */
export async function ticks(count: number): Promise<void> {
  for (let i = 0; i < count; i++) await Promise.resolve();
}

/**
 * A small deterministic random source (mulberry32): the jitter of one scenario is drawn
 * from it, so a scenario replays exactly from its seed.
 *
 * @param seed - Any 32-bit integer.
 * @returns `below(n)`: a whole number from 0 to n - 1.
 * @example
 * ```ts
 * import { randomSource } from 'iterscope/testing';
 *
 * const random = randomSource(42);
 * console.log(random(10) === randomSource(42)(10)); // true
 * ```
 */
export function randomSource(seed: number): (below: number) => number {
  let state = seed >>> 0;
  return (below) => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    const unit = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    return below <= 1 ? 0 : Math.floor(unit * below);
  };
}
