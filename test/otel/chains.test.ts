import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pipe } from 'iterscope';
import { mapTraced, traced } from 'iterscope/otel';
import { idOf, installTracing, parentId, source, ticks, type Tracing } from './tracing.js';

// C9 + C4 in a chain: traced -> mapTraced -> traced, closed from the outside at a random
// point in a random way. Every span ends exactly once, children before parents, the
// inner stream before the outer one.

describe.each([
  { contextManager: false, label: 'no context manager' },
  { contextManager: true, label: 'AsyncLocalStorage context manager' },
])('chains closed at a random point ($label)', ({ contextManager }) => {
  let t: Tracing;
  beforeAll(() => {
    t = installTracing({ contextManager });
  });
  afterAll(() => {
    t.uninstall();
  });

  it('every span ends once, children before parents', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          pulls: fc.nat({ max: 6 }),
          sourceItems: fc.option(fc.nat({ max: 8 }), { nil: undefined }),
          how: fc.constantFrom('return', 'return-while-pending', 'abort', 'throw', 'drain'),
          concurrency: fc.constantFrom(1, 2, 3),
          // Per item: how many ticks fn takes (0 = sync), or never settles.
          delays: fc.array(fc.oneof(fc.nat({ max: 3 }), fc.constant(-1)), { minLength: 10, maxLength: 10 }),
        }),
        async ({ pulls, sourceItems, how, concurrency, delays }) => {
          t.reset();
          const controller = new AbortController();
          let started = 0;
          const stage = pipe(
            source(sourceItems === undefined ? {} : { items: sourceItems }),
            traced({ name: 'inner' }),
            mapTraced(
              async (x: number) => {
                started++;
                const delay = delays[x % delays.length]!;
                if (delay < 0) await new Promise(() => undefined);
                await ticks(delay);
                return x;
              },
              { name: 'item', concurrency },
            ),
            traced({ name: 'outer', signal: controller.signal }),
          );
          const pending: Promise<unknown>[] = [];
          for (let i = 0; i < pulls; i++) {
            const next = stage.next();
            pending.push(next.catch(() => undefined));
            // Sometimes leave the last pull pending when closing.
            if (!(how === 'return-while-pending' && i === pulls - 1)) await Promise.race([next.catch(() => undefined), ticks(20)]);
          }
          switch (how) {
            case 'return':
            case 'return-while-pending':
              await stage.return();
              break;
            case 'abort':
              controller.abort(new Error('stop'));
              await stage.return();
              break;
            case 'throw':
              await stage.throw(new Error('consumer failed')).catch(() => undefined);
              break;
            case 'drain':
              await stage.return();
              break;
          }
          await Promise.all(pending);
          await ticks(5);

          const spans = t.spans();
          const names = spans.map((s) => s.name);
          expect(names.filter((n) => n === 'inner')).toHaveLength(1);
          expect(names.filter((n) => n === 'outer')).toHaveLength(1);
          expect(names.filter((n) => n === 'item')).toHaveLength(started);
          // Export order is end order: every child ends before its parent, the inner
          // stream before the outer one (C4).
          const position = new Map(spans.map((s, i) => [idOf(s), i]));
          for (const [i, span] of spans.entries()) {
            const parent = parentId(span);
            if (parent !== undefined && position.has(parent)) expect(i).toBeLessThan(position.get(parent)!);
          }
          expect(names.indexOf('inner')).toBeLessThan(names.indexOf('outer'));
          for (const item of spans.filter((s) => s.name === 'item')) expect(parentId(item)).toBe(idOf(t.span('inner')));
          expect(t.diagProblems).toEqual([]);
        },
      ),
      { numRuns: 150 },
    );
  });
});
