import { context as contextApi, type Context } from '@opentelemetry/api';
import type { Operator, Source, StageOptions } from 'iterscope';
import { StageBase, acceptsFusion, kSourceScope, type DirectReader, type SourceScope } from 'iterscope/internal';
import { checkContext, checkStageOptions } from './checks.js';
import { ContextReads, readInContext } from './next-in-context.js';

class BoundStage<T> extends StageBase<T, T> {
  private readonly context: Context;
  /** C8: whether a read enters the bound context. */
  private readonly reads: ContextReads;
  constructor(source: Source<T>, context: Context, options: StageOptions | undefined) {
    super('bindContext', source, options);
    this.context = context;
    this.reads = new ContextReads(context, false);
  }
  // C8: each call into the source runs inside the bound context (readInContext: no
  // allocation per item; an iterscope source is read directly when only a `next()` waits
  // on the answer). With no context manager registered, or when the bound context is the
  // active one already, there is nothing to switch: the source is read as any stage reads
  // it (directly, with no promise, when it is an iterscope stage), as traced does.
  protected override readSource(source: AsyncIterator<T>, reader?: DirectReader): unknown {
    const reads = this.reads;
    const manager = reads.switching();
    if (manager === undefined) return super.readSource(source, reader);
    return readInContext(manager, reads.context, source, this.answerReachesOnlyNext ? reader : undefined);
  }
  protected override inSourceContext<A, R>(fn: (arg: A) => R, arg: A): R {
    return contextApi.with(this.context, fn, undefined, arg);
  }
  // C8: sources that a flatMap reading this stage opens run in the bound context too.
  readonly [kSourceScope]: SourceScope = { run: (fn) => contextApi.with(this.context, fn) };
}

/**
 * Run each step of the source inside `context` (C8): its opening, every `next()` and its
 * `return()` (which is how iterscope closes a source, also after a consumer's `throw()`).
 * A plain `async function*` upstream, and the libraries it calls, then see `context` after
 * every resume instead of the context of whoever happens to call `next()`; the consumer's
 * active context is never changed. Nothing is carried across a `yield` implicitly: no
 * `enterWith`, no `context.attach`.
 *
 * @param context - The OpenTelemetry context the source's steps run in.
 * @param options - `signal` and `closeTimeout`, as for `aclosing`.
 * @returns An operator for `pipe`.
 * @throws TypeError at the call when `context` is not a Context (C10).
 * @example
 * ```ts
 * import { context, trace, ROOT_CONTEXT } from '@opentelemetry/api';
 * import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
 * import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
 * import { pipe } from 'iterscope';
 * import { bindContext } from 'iterscope/otel';
 *
 * context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
 * const tracer = new BasicTracerProvider().getTracer('example');
 * const request = tracer.startSpan('request');
 * const requestContext = trace.setSpan(ROOT_CONTEXT, request);
 *
 * async function* rows() {
 *   for (let i = 0; i < 2; i++) {
 *     await new Promise((resolve) => setTimeout(resolve, 1));
 *     // After every resume this generator sees the request's context, not its consumer's.
 *     console.log(trace.getActiveSpan() === request); // true
 *     yield i;
 *   }
 * }
 * for await (const row of pipe(rows(), bindContext(requestContext))) console.log(row);
 * request.end();
 * context.disable();
 * ```
 */
export function bindContext<T>(context: Context, options?: StageOptions): Operator<T, T> {
  checkContext('bindContext', 'context', context);
  checkStageOptions('bindContext', options);
  return acceptsFusion((source: Source<T>) => new BoundStage<T>(source, context, options));
}
