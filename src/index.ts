/**
 * iterscope: async iteration that never leaks. Every stage closes what it opened, settles
 * promptly, honours abort signals, loses no error, and is disposable.
 *
 * @packageDocumentation
 */
export { aclosing, borrow } from './core/aclosing.js';
export { configure, type Configuration } from './core/config.js';
export { SuppressedError } from './core/errors.js';
export type { Exit, Outcome } from './core/exit.js';
export type { Operator } from './core/operator.js';
export { pipe } from './core/pipe.js';
export { onReport, type Report } from './core/report.js';
export type { Source, SourceItem } from './core/source.js';
export type { Stage, StageOptions } from './core/stage.js';
export { abortable } from './core/operators/abortable.js';
export { filter } from './core/operators/filter.js';
export { map } from './core/operators/map.js';
export { take } from './core/operators/take.js';
export { withCleanup } from './core/operators/with-cleanup.js';

// Internal building blocks for iterscope's own entry points; see core/internal.ts.
export * from './core/internal.js';
