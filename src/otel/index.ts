/**
 * OpenTelemetry for iterscope streams: one span per stream that ends exactly once on every
 * path, a child span per item, and explicit contexts for every step of a source (C8, C9).
 * Needs the optional peer `@opentelemetry/api`; no SDK is loaded.
 *
 * @packageDocumentation
 */
export { traced, type TracedOptions } from './traced.js';
export { tracedStream } from './traced-stream.js';
export type { OpenStream } from './lazy-stream.js';
export { mapTraced, type MapTracedOptions, type TracedItemFn } from './map-traced.js';
export type { ItemScope } from './item-scope.js';
export { bindContext } from './bind-context.js';
export { VERSION } from './default-tracer.js';
