import { context as contextApi, type Context } from '@opentelemetry/api';
import { contextManagerRegistered, lookUpRegistry } from './context-manager.js';

/**
 * C8: `source.next()` inside `context`, the per-item path of `traced` and `bindContext`.
 *
 * The function handed to `context.with` is always this module's `nextOf` and the source
 * goes as its argument, never as a receiver: given a receiver, the AsyncLocalStorage
 * context manager binds the function to it on every call (a bound function per item), and
 * a function that changes from call to call (a closure per source) keeps V8 from removing
 * the rest-argument arrays of `context.with`, the manager's `with` and
 * `AsyncLocalStorage.run`. So the span's context costs no allocation per item, with or
 * without a context manager (`npm run bench:otel-allocation` checks it).
 */
export function nextInContext(context: Context, source: AsyncIterator<unknown>): unknown {
  return contextApi.with(context, nextOf, undefined, source);
}

function nextOf(source: AsyncIterator<unknown>): unknown {
  return source.next();
}

/**
 * C8: the per-read decision of a stage that runs its source's reads in `context` (traced,
 * bindContext). A read enters the context only when a context manager is registered and
 * the context is not the active one already; otherwise there is nothing to switch (and,
 * without a manager, nothing could see it), and the stage reads its source as any stage
 * does. The API's registry is looked up on the stage's first read, not on every one
 * (context-manager.ts says why), so a manager registered after the stream was built and
 * before it was read is honoured from the first read.
 */
export class ContextReads {
  private started = false;
  constructor(readonly context: Context) {}

  /** True when this read must run inside `context`. */
  switches(): boolean {
    if (!this.started) {
      this.started = true;
      lookUpRegistry();
    }
    return contextManagerRegistered() && contextApi.active() !== this.context;
  }
}
