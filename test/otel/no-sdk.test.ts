import { context, ROOT_CONTEXT, trace, type Span } from '@opentelemetry/api';
import { afterEach, describe, expect, it } from 'vitest';
import { map, pipe } from 'iterscope';
import { bindContext, mapTraced, traced } from 'iterscope/otel';
import { countedStage, countingManager, sdk, source } from './tracing.js';

// C9: a non-recording span (no SDK, or sampled out) costs next to nothing: it is checked
// once and no per-item work is done for it; streams still work and close the same way.

afterEach(() => {
  context.disable();
  trace.disable();
});

describe('non-recording spans', () => {
  it('with no SDK registered, nothing per item runs, and the stream behaves the same', async () => {
    let offered = 0;
    const src = source();
    const out: number[] = [];
    for await (const x of pipe(
      src,
      traced<number>({ name: 'stream', itemEvent: () => ((offered++), {}) }),
      mapTraced((x: number, { span }) => (span.isRecording() ? -1 : x), { name: 'item' }),
    )) {
      out.push(x);
      if (x === 2) break;
    }
    expect(out).toEqual([0, 1, 2]);
    expect(offered).toBe(0);
    expect(src.calls.return).toBe(1);
  });

  it('C8: a context manager registered after the stream was built still gets the source run in the stream context', async () => {
    // Without a manager, traced skips the context switch (nothing could see it); the API's
    // registry is looked up on the stream's first read, so a manager registered after the
    // stream was built is honoured from that read.
    const key = Symbol('where');
    const parent = ROOT_CONTEXT.setValue(key, 'stream');
    const seen: unknown[] = [];
    async function* producer() {
      seen.push(context.active().getValue(key));
      yield 1;
      seen.push(context.active().getValue(key));
      yield 2;
    }
    const stream = pipe(producer(), traced<number>({ name: 'stream', context: parent }));
    context.setGlobalContextManager(sdk.createContextManager());
    const out: number[] = [];
    await context.with(ROOT_CONTEXT.setValue(key, 'consumer'), async () => {
      for await (const x of stream) {
        out.push(x);
        expect(context.active().getValue(key)).toBe('consumer');
      }
    });
    expect(out).toEqual([1, 2]);
    expect(seen).toEqual(['stream', 'stream']);
  });

  it('with no SDK, the parent context is reused as is (no context copy per item)', async () => {
    context.setGlobalContextManager(sdk.createContextManager());
    const parent = ROOT_CONTEXT.setValue(Symbol('k'), 'v');
    const seen: unknown[] = [];
    for await (const _ of pipe([1, 2], mapTraced((_x: number, { context: itemContext }) => {
      seen.push(itemContext, context.active());
      return 0;
    }, { name: 'item', context: parent }))) {
      // drain
    }
    expect(seen.every((c) => c === parent)).toBe(true);
  });

  it('sampled out: no item events, no spans exported, yet children still see the (sampled-out) stream span', async () => {
    const { provider, finishedSpans } = sdk.createProvider({ sampleNothing: true });
    trace.setGlobalTracerProvider(provider);
    context.setGlobalContextManager(sdk.createContextManager());
    let offered = 0;
    const streamSpans: (Span | undefined)[] = [];
    async function* producer() {
      yield 1;
      streamSpans.push(trace.getActiveSpan());
      yield 2;
    }
    for await (const _ of pipe(producer(), traced<number>({ name: 'stream', itemEvent: () => ((offered++), {}) }))) {
      // drain
    }
    expect(offered).toBe(0);
    expect(finishedSpans()).toEqual([]);
    expect(streamSpans[0]?.isRecording()).toBe(false);
    expect(streamSpans[0]?.spanContext().spanId).toMatch(/^[0-9a-f]{16}$/);
  });
});

describe('non-recording spans: no context switch per item when there is nothing to switch', () => {
  afterEach(() => {
    context.disable();
    trace.disable();
  });

  async function drain(items: number): Promise<void> {
    for await (const _ of pipe(source({ items }), traced<number>({ name: 'stream' }))) {
      // read all
    }
  }

  it('no SDK, read where it was built: context.with is not called per item', async () => {
    const counter = countingManager();
    await drain(10);
    const forTen = counter.calls();
    await drain(100);
    expect(counter.calls() - forTen).toBe(forTen);
  });

  it('nothing to switch: traced reads an iterscope stage below it directly, with no next() promise per item', async () => {
    // No SDK, read where it was built, under a context manager.
    countingManager();
    const withManager = countedStage(10);
    for await (const _ of pipe(withManager.stage, traced<number>({ name: 'stream' }))) {
      // read all
    }
    expect(withManager.nextCalls()).toBe(0);
    context.disable();
    // A recording span and no context manager: no context could be seen, none is switched.
    const { provider } = sdk.createProvider();
    trace.setGlobalTracerProvider(provider);
    const noManager = countedStage(10);
    for await (const _ of pipe(noManager.stage, traced<number>({ name: 'stream' }))) {
      // read all
    }
    expect(noManager.nextCalls()).toBe(0);
  });

  it('bindContext, with nothing to switch, also reads an iterscope stage below it directly', async () => {
    // The bound context is the active one, under a context manager: no switch per item
    // (opening and closing still go through the API), and the stage below is read directly.
    const counter = countingManager();
    const drainActive = async (items: number): Promise<number> => {
      const active = countedStage(items);
      for await (const _ of pipe(active.stage, bindContext<number>(context.active()))) {
        // read all
      }
      return active.nextCalls();
    };
    expect(await drainActive(10)).toBe(0);
    const forTen = counter.calls();
    expect(await drainActive(100)).toBe(0);
    expect(counter.calls() - forTen).toBe(forTen);
    context.disable();
    // No context manager: no context could be seen, none is switched.
    const noManager = countedStage(10);
    const key = Symbol('bound');
    for await (const _ of pipe(noManager.stage, bindContext<number>(ROOT_CONTEXT.setValue(key, 1)))) {
      // read all
    }
    expect(noManager.nextCalls()).toBe(0);
  });

  it('bindContext with another context active still switches for every read (control)', async () => {
    const counter = countingManager();
    // A step after it: the stage below is read through next(), in the bound context
    // (direct-reads.test.ts has the read without one).
    const bound = countedStage(10);
    const key = Symbol('bound');
    const seen: unknown[] = [];
    async function* producer(): AsyncGenerator<number> {
      for (let i = 0; i < 3; i++) {
        seen.push(context.active().getValue(key));
        yield i;
      }
    }
    for await (const _ of pipe(bound.stage, bindContext<number>(ROOT_CONTEXT.setValue(key, 'bound')), map((x: number) => x))) {
      // read all
    }
    expect(bound.nextCalls()).toBe(11);
    for await (const _ of pipe(producer(), bindContext<number>(ROOT_CONTEXT.setValue(key, 'bound')))) {
      // read all
    }
    expect(seen).toEqual(['bound', 'bound', 'bound']);
    expect(counter.calls()).toBeGreaterThanOrEqual(11);
  });

  /** A plain generator that records the bound value the API says is active at each step. */
  function seeing(key: symbol, seen: unknown[]): AsyncGenerator<number> {
    return (async function* () {
      for (let i = 0; i < 3; i++) {
        seen.push(context.active().getValue(key));
        yield i;
      }
    })();
  }

  // Reads call the registered manager directly, not through the API (context-manager.ts):
  // only a manager the API itself routes to.
  it('a registered manager the API does not route to (as with a registry of an incompatible version) is never entered', async () => {
    const ignored = countingManager();
    // The API routes to its no-op manager instead, as it does when the registry's version
    // is not compatible with its own.
    const noop = {
      active: () => ROOT_CONTEXT,
      with: (_context: unknown, fn: (...args: unknown[]) => unknown, thisArg?: unknown, ...args: unknown[]): unknown => fn.call(thisArg, ...args),
    };
    Object.defineProperty(context, '_getContextManager', { value: () => noop, configurable: true, writable: true });
    const key = Symbol('bound');
    const seen: unknown[] = [];
    try {
      const bound = countedStage(10);
      for await (const _ of pipe(bound.stage, bindContext<number>(ROOT_CONTEXT.setValue(key, 'bound')))) {
        // read all
      }
      for await (const _ of pipe(seeing(key, seen), bindContext<number>(ROOT_CONTEXT.setValue(key, 'bound')))) {
        // read all
      }
      expect(bound.nextCalls()).toBe(0); // nothing to switch: read directly
      expect(ignored.calls()).toBe(0);
      expect(seen).toEqual([undefined, undefined, undefined]); // what the API shows
    } finally {
      Reflect.deleteProperty(context, '_getContextManager');
    }
    // Control: a manager the API routes to is entered.
    context.disable();
    const used = countingManager();
    seen.length = 0;
    for await (const _ of pipe(seeing(key, seen), bindContext<number>(ROOT_CONTEXT.setValue(key, 'bound')))) {
      // read all
    }
    expect(seen).toEqual(['bound', 'bound', 'bound']);
    expect(used.calls()).toBeGreaterThanOrEqual(4);
  });

  it('a registry deleted (and made again by the API) is followed: the new manager is entered, never the old one', async () => {
    const registryKey = Symbol.for('opentelemetry.js.api.1');
    const global = globalThis as Record<symbol, unknown>;
    const original = global[registryKey];
    const key = Symbol('bound');
    const seen: unknown[] = [];
    const read = async (): Promise<void> => {
      for await (const _ of pipe(seeing(key, seen), bindContext<number>(ROOT_CONTEXT.setValue(key, 'bound')))) {
        // read all
      }
    };
    const first = countingManager();
    await read();
    const enteredFirst = first.calls();
    expect(enteredFirst).toBeGreaterThanOrEqual(4);
    try {
      Reflect.deleteProperty(global, registryKey);
      // No registry at all: the API has no manager, and neither has a read.
      await read();
      expect(first.calls()).toBe(enteredFirst);
      const second = countingManager(); // the API makes a new registry for it
      await read();
      expect(first.calls()).toBe(enteredFirst);
      expect(second.calls()).toBeGreaterThanOrEqual(4);
      expect(seen).toEqual(['bound', 'bound', 'bound', undefined, undefined, undefined, 'bound', 'bound', 'bound']);
    } finally {
      context.disable();
      global[registryKey] = original;
    }
  });

  it('an API that cannot say which manager it uses is gone through, as before', async () => {
    const counter = countingManager();
    // An API whose with() and active() work as this one's, without _getContextManager().
    interface Api {
      _getContextManager(): { with: typeof context.with; active: typeof context.active };
    }
    const api = context as unknown as Api;
    const routed = (Object.getPrototypeOf(context) as Api)._getContextManager;
    const own = (name: string, value: unknown): void => {
      Object.defineProperty(context, name, { value, configurable: true, writable: true });
    };
    own('with', (...args: Parameters<typeof context.with>): unknown => routed.call(api).with(...args) as unknown);
    own('active', () => routed.call(api).active());
    own('_getContextManager', undefined);
    const key = Symbol('bound');
    const seen: unknown[] = [];
    const active = countedStage(10);
    try {
      for await (const _ of pipe(seeing(key, seen), bindContext<number>(ROOT_CONTEXT.setValue(key, 'bound')))) {
        // read all
      }
      // The bound context is the active one: nothing to switch, read directly, as before.
      for await (const _ of pipe(active.stage, bindContext<number>(context.active()))) {
        // read all
      }
    } finally {
      for (const name of ['with', 'active', '_getContextManager']) Reflect.deleteProperty(context, name);
    }
    expect(active.nextCalls()).toBe(0);
    expect(seen).toEqual(['bound', 'bound', 'bound']);
    expect(counter.calls()).toBeGreaterThanOrEqual(4);
  });

  it('a recording span still switches for every read (control)', async () => {
    const { provider } = sdk.createProvider();
    trace.setGlobalTracerProvider(provider);
    const counter = countingManager();
    await drain(10);
    expect(counter.calls()).toBeGreaterThanOrEqual(11);
  });
});
