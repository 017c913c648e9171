import type { Context } from '@opentelemetry/api';
import { readDirectly, type DirectReader } from 'iterscope/internal';
import { lookUpRegistry, registeredManager, type Manager } from './context-manager.js';

/**
 * C8: one read of `source` inside `context`, the per-item path of `traced` and
 * `bindContext`, through the manager the API routes to (context-manager.ts says why not
 * through the API). Without `reader`, `source.next()`: the answer reaches the stage through
 * the promise, in the stage's own context. With `reader` (`source` is an iterscope stage),
 * a direct read with no promise: the answer reaches the stage inside `context`. A stage
 * passes `reader` only when nothing but its own step runs on the answer before it settles
 * a `next()` (StageBase's `answerReachesOnlyNext`): the consumer's code after that promise
 * runs in the context its `then` was called in, never in `context`.
 *
 * The functions handed to `with` are this module's `nextOf` and the core's `readDirectly`,
 * with the source as an argument, never as a receiver: given a receiver, the
 * AsyncLocalStorage context manager binds the function to it on every call (a bound
 * function per item), and a function that changes from call to call (a closure per source)
 * keeps V8 from removing the rest-argument arrays of the manager's `with` and
 * `AsyncLocalStorage.run`. So the span's context costs no allocation per item, with or
 * without a context manager (`npm run bench:otel-allocation` checks it).
 */
export function readInContext(manager: Manager, context: Context, source: AsyncIterator<unknown>, reader: DirectReader | undefined): unknown {
  if (reader === undefined) return manager.with(context, nextOf, undefined, source);
  return manager.with(context, readDirectly, undefined, source, reader);
}

function nextOf(source: AsyncIterator<unknown>): unknown {
  return source.next();
}

/**
 * C8: the per-read decision of a stage that runs its source's reads in `context` (traced,
 * bindContext). A read enters the context only when a context manager is registered (and
 * the API routes to it) and the context is not the active one already; otherwise there is
 * nothing to switch (and, without a manager, nothing could see it), and the stage reads its
 * source as any stage does. The API's registry is looked up on the stage's first read, not
 * on every one (context-manager.ts says why), so a manager registered after the stream was
 * built and before it was read is honoured from the first read.
 *
 * `made`: the stage made the context itself (a recording span set into it), so it is not
 * the active one when a read starts, and asking would cost a look-up per item for nothing
 * (were it active after all, the switch changes nothing and the read takes a promise).
 */
export class ContextReads {
  private started = false;
  constructor(
    readonly context: Context,
    private readonly made: boolean,
  ) {}

  /** The manager to run this read in, or undefined: read as any stage does. */
  switching(): Manager | undefined {
    if (!this.started) {
      this.started = true;
      lookUpRegistry();
    }
    const manager = registeredManager();
    if (manager === undefined || (!this.made && manager.active() === this.context)) return undefined;
    return manager;
  }
}
