/**
 * An async generator body has no context of its own. After every `yield` it sees the
 * AsyncLocalStorage store of whoever called `next()`; an `await` inside the body keeps
 * that store. `als.run()` cannot span a `yield` (a generator created inside `run` does not
 * run there), and `enterWith` inside the body leaks into the consumer.
 *
 * Run: node --import tsx docs/examples/why/als-follows-caller.ts
 */
import { AsyncLocalStorage } from 'node:async_hooks';

const als = new AsyncLocalStorage<string>();
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function* body(): AsyncGenerator<number> {
  console.log(`first step sees: ${String(als.getStore())}`);
  await sleep(1);
  console.log(`after an await: ${String(als.getStore())}`);
  yield 1;
  console.log(`after the 1st yield: ${String(als.getStore())}`);
  await sleep(1);
  console.log(`after an await: ${String(als.getStore())}`);
  yield 2;
  console.log(`after the 2nd yield: ${String(als.getStore())}`);
}

// Created inside run('creator'): the body never runs there.
const it = als.run('creator', () => body());
await als.run('consumer 1', () => it.next());
await als.run('consumer 2', () => it.next());
await als.run('consumer 3', () => it.next());

// enterWith inside the body changes the store of whoever called next().
async function* leaky(): AsyncGenerator<number> {
  als.enterWith('set inside the generator');
  yield 1;
}
await als.run('consumer', async () => {
  const gen = leaky();
  await gen.next();
  console.log(`the consumer after next() on a generator that called enterWith: ${String(als.getStore())}`);
});
