import type { Span } from '@opentelemetry/api';
import { describe, expectTypeOf, it } from 'vitest';
import { map, pipe, type Operator, type Stage } from 'iterscope';
import { bindContext, mapTraced, traced, tracedStream, type ItemScope } from 'iterscope/otel';
import { ROOT_CONTEXT } from '@opentelemetry/api';

describe('otel types', () => {
  it('operators infer through pipe', () => {
    const stage = pipe(
      [1, 2],
      traced({ name: 's' }),
      mapTraced(async (x: number) => String(x), { name: 'i' }),
      bindContext(ROOT_CONTEXT),
      map((s: string) => s.length),
    );
    expectTypeOf(stage).toEqualTypeOf<Stage<number>>();
  });

  it('mapTraced unwraps promises and hands fn an ItemScope', () => {
    const op = mapTraced((x: number, scope) => {
      expectTypeOf(scope).toEqualTypeOf<ItemScope>();
      expectTypeOf(scope.span).toEqualTypeOf<Span>();
      expectTypeOf(scope.signal).toEqualTypeOf<AbortSignal>();
      return Promise.resolve(x > 0);
    }, { name: 'i' });
    expectTypeOf(op).toEqualTypeOf<Operator<number, boolean>>();
  });

  it('itemEvent is typed by the stream item', () => {
    traced<string>({ name: 's', itemEvent: (chunk) => ({ length: chunk.length }) });
    // @ts-expect-error -- a number stream's items are not strings
    traced<number>({ name: 's', itemEvent: (n: string) => ({ length: n }) });
  });

  it('tracedStream returns the SDK object type unchanged', () => {
    class SdkStream {
      readonly controller = new AbortController();
      async *[Symbol.asyncIterator](): AsyncGenerator<{ delta: string }> {
        yield { delta: 'x' };
      }
    }
    expectTypeOf(tracedStream(new SdkStream(), { name: 's' })).toEqualTypeOf<SdkStream>();
  });

  it('name is required', () => {
    // @ts-expect-error -- options.name is required
    traced({});
    // @ts-expect-error -- options.name is required
    mapTraced((x: number) => x, {});
  });
});
