import { context as contextApi, type Context } from '@opentelemetry/api';

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
