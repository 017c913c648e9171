/**
 * An abandoned async generator (pulled, never finished, never closed, then unreachable) is
 * garbage-collected without its `finally` ever running, not even at exit: JavaScript has no
 * finalizer hook for generators. A FinalizationRegistry can observe the collection, but
 * only if its held value does not reference the iterator: directly, or through a closure
 * that shares the scope of one that uses the iterator. Then the registry keeps the iterator
 * alive forever and nothing is ever reported.
 *
 * Run: node --expose-gc --import tsx docs/examples/why/abandoned-finally.ts
 */
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('run with node --expose-gc');
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const finallyRan: string[] = [];
const collected: string[] = [];
const registry = new FinalizationRegistry<unknown>((held) => {
  collected.push(typeof held === 'string' ? held : (held as { name: string }).name);
});

async function* stream(name: string): AsyncGenerator<number> {
  try {
    yield 1;
    yield 2;
  } finally {
    finallyRan.push(name);
  }
}

// Each consumer reads one item and walks away: no break, no return(), no error.
async function plain(): Promise<void> {
  const it = stream('plain');
  registry.register(it, 'plain'); // the held value is a string: fine
  await it.next();
}
async function heldValueIsTheIterator(): Promise<void> {
  const it = stream('held value references it');
  registry.register(it, { name: 'held value references it', it });
  await it.next();
}
async function heldValueSharesAScope(): Promise<void> {
  const it = stream('closure shares its scope');
  const pull = () => it.next(); // a closure that uses the iterator...
  const describe = () => 'closure shares its scope'; // ...and one beside it that does not
  registry.register(it, { name: describe(), describe });
  await pull();
}

await plain();
await heldValueIsTheIterator();
await heldValueSharesAScope();
for (let i = 0; i < 20 && collected.length === 0; i++) {
  gc();
  await sleep(10);
}
await sleep(50); // a little longer, for the other two
gc();
await sleep(10);

for (const name of ['plain', 'held value references it', 'closure shares its scope']) {
  console.log(`${name}: collected: ${String(collected.includes(name))}, finally ran: ${String(finallyRan.includes(name))}`);
}
process.on('exit', () => {
  console.log(`at exit: finally ran for [${finallyRan.join(', ')}]`);
});
