/**
 * `iterscope/internal`: building blocks shared with iterscope's other entry points
 * (`iterscope/otel`, `iterscope/testing`, `iterscope/node`). NOT a public API: it may change in any release,
 * and nothing here is documented for users. It is an entry point of its own, kept out of
 * the root's types, and it shares one build chunk with the root, so there is one stage
 * class at runtime whichever entry loads first (ESM and CommonJS alike).
 *
 * @packageDocumentation
 * @internal
 */
export { StageBase, PassStage, SKIP, STOP, closeIterator, adoptIterator, type StepResult, type BaseOptions } from './stage.js';
export { NO_ERROR, suppress, aggregate } from './errors.js';
export { exitForSource, CANCELLED, COMPLETED, ABANDONED } from './exit.js';
export { report } from './report.js';
export { listenForAbort } from './abort-listener.js';
export { classify, isThenable } from './source.js';
export { describe, checkCount, checkDuration, checkFunction, checkKnownKeys, checkOptions, checkRange, checkSignal, checkStageOptions } from './validate.js';
export { acceptsFusion } from './operators/fused.js';
export { kSourceScope, sourceScopeOf, type SourceScope } from './source-scope.js';
export { readDirectly, type DirectReader } from './protocol.js';
