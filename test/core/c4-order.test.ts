import { describe, expect, it } from 'vitest';
import { aclosing, filter, map, pipe, take, withCleanup } from 'iterscope';
import { probe } from '../helpers/probe.js';

// C4: inner before outer. A stage's own cleanup runs after its source's close has
// settled, so down a chain the deepest source finishes closing first.

describe('C4 order', () => {
  it.each([
    ['break', async (s: AsyncIterable<number>) => {
      for await (const _ of s) break;
    }],
    ['return()', async (s: AsyncIterator<number>) => {
      await s.next();
      await s.return?.();
    }],
    ['a callback error', async (s: AsyncIterable<number>) => {
      await expect((async () => {
        for await (const _ of s) { /* read */ }
      })()).rejects.toThrow('late');
    }],
  ] as const)('closes the deepest source first on %s', async (_name, consume) => {
    const log: string[] = [];
    const src = probe({ log, returnTicks: 3 });
    const stage = pipe(
      src,
      withCleanup(() => {
        log.push('inner cleanup');
      }),
      map((x: number) => {
        if (x === 3) throw new Error('late');
        return x;
      }),
      withCleanup(async () => {
        await Promise.resolve();
        log.push('outer cleanup');
      }),
    );
    await (consume as (s: typeof stage) => Promise<void>)(stage);
    const closing = log.filter((e) => !e.endsWith(':next'));
    expect(closing).toEqual(['src:return:start', 'src:return:end', 'inner cleanup', 'outer cleanup']);
  });

  it('runs a completed stream\'s cleanups inner to outer too', async () => {
    const log: string[] = [];
    const stage = pipe(
      [1, 2],
      withCleanup(() => log.push('inner')),
      filter(() => true),
      withCleanup(() => log.push('outer')),
    );
    for await (const _ of stage) { /* drain */ }
    expect(log).toEqual(['inner', 'outer']);
  });

  it('take finishing early closes upstream before answering done', async () => {
    const log: string[] = [];
    const src = probe({ log, returnTicks: 5 });
    const stage = pipe(aclosing(src), take<number>(1));
    await stage.next();
    const done = await stage.next();
    log.push('done answered');
    expect(done.done).toBe(true);
    expect(log.slice(-3)).toEqual(['src:return:start', 'src:return:end', 'done answered']);
  });
});
