/**
 * C8: explicit context, per step. `bindContext(ctx)` runs each step of the source (its
 * opening, every `next()`, its `return()`) inside `ctx`: the generator body sees `ctx`
 * after every `yield` and every `await`, whoever calls `next()`, and the consumer's own
 * context is never changed. Nothing is carried across a `yield` implicitly.
 *
 * Run: node --import tsx docs/examples/why/iterscope/context.ts
 */
import { context, createContextKey, ROOT_CONTEXT } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { pipe } from 'iterscope';
import { bindContext } from 'iterscope/otel';

context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
const WHO = createContextKey('who');
const as = (who: string) => ROOT_CONTEXT.setValue(WHO, who);
const who = (): string => String(context.active().getValue(WHO));
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function* body(): AsyncGenerator<number> {
  try {
    console.log(`first step sees: ${who()}`);
    await sleep(1);
    console.log(`after an await: ${who()}`);
    yield 1;
    console.log(`after the 1st yield: ${who()}`);
    await sleep(1);
    console.log(`after an await: ${who()}`);
    yield 2;
    console.log(`after the 2nd yield: ${who()}`);
  } finally {
    console.log(`finally (closed by return()) sees: ${who()}`);
  }
}

// Created inside 'creator', bound to 'request': the body runs in 'request' at every step.
const it = context.with(as('creator'), () => pipe(body(), bindContext(as('request'))));
await context.with(as('consumer 1'), () => it.next());
await context.with(as('consumer 2'), async () => {
  await it.next();
  console.log(`consumer 2 after its next(): ${who()}`);
});
await context.with(as('consumer 3'), () => it.return());
context.disable();
