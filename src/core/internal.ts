/**
 * Building blocks shared with iterscope's other entry points (`iterscope/otel`,
 * `iterscope/testing`). They are exported from the package root only so that every entry
 * point uses one copy of the stage class at runtime; each is tagged `@internal` and is not
 * a public API: it may change in any release.
 */
export { StageBase, SKIP, STOP, closeIterator, adoptIterator, type StepResult, type BaseOptions } from './stage.js';
export { NO_ERROR, suppress, aggregate } from './errors.js';
export { exitForSource, CANCELLED, COMPLETED, ABANDONED } from './exit.js';
export { report } from './report.js';
export { classify, isThenable } from './source.js';
export { describe, checkCount, checkDuration, checkFunction, checkOptions, checkSignal } from './validate.js';
export { acceptsFusion } from './operators/fused.js';
export { kSourceScope, sourceScopeOf, type SourceScope } from './source-scope.js';
