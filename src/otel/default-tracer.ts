import { trace, type Tracer } from '@opentelemetry/api';

/**
 * The version of the `iterscope/otel` entry point, also the version of its default
 * tracer's instrumentation scope (`iterscope`).
 *
 * @example
 * ```ts
 * import { VERSION } from 'iterscope/otel';
 * console.log(VERSION); // '0.1.0'
 * ```
 */
export const VERSION = '0.1.0';

/**
 * The global provider's tracer, resolved when the operator is created. The API hands out a
 * proxy that follows a provider registered later, so resolving early loses nothing.
 */
export function defaultTracer(): Tracer {
  return trace.getTracer('iterscope', VERSION);
}
