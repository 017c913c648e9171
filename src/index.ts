/**
 * iterscope: async iteration that never leaks. Every stage closes what it opened, settles
 * promptly, honours abort signals, loses no error, and is disposable.
 *
 * @packageDocumentation
 */
export { aclosing, borrow } from './core/aclosing.js';
export { configure, type Configuration } from './core/config.js';
export { SuppressedError, TimeoutError, type SuppressedErrorConstructor } from './core/errors.js';
export type { Exit, Outcome } from './core/exit.js';
export type { Operator } from './core/operator.js';
export { pipe, type PipeTypedUpTo16Operators, type UnaryFunction } from './core/pipe.js';
export { onReport, type Report } from './core/report.js';
export type { Source, SourceItem } from './core/source.js';
export type { Stage, StageOptions } from './core/stage.js';
export { abortable } from './core/operators/abortable.js';
export { filter } from './core/operators/filter.js';
export { map } from './core/operators/map.js';
export { take } from './core/operators/take.js';
export { withCleanup } from './core/operators/with-cleanup.js';
export { defineOperator, type OperatorHooks, type StepAnswer, type FlushAnswer } from './core/operators/define-operator.js';
export { many, skip, stop, type Many, type Skip, type Stop } from './core/step-result.js';
export { buffered } from './core/operators/buffered.js';
export { concat } from './core/operators/concat.js';
export { drop } from './core/operators/drop.js';
export { flatMap, type FlatMapOptions } from './core/operators/flat-map.js';
export { merge } from './core/operators/merge.js';
export { race } from './core/operators/race.js';
export { scan } from './core/operators/scan.js';
export { takeWhile } from './core/operators/take-while.js';
export { tap } from './core/operators/tap.js';
export { timeout } from './core/operators/timeout.js';
export { zip, type ZipItems } from './core/operators/zip.js';
export { first } from './core/terminals/first.js';
export { forEach } from './core/terminals/for-each.js';
export { reduce } from './core/terminals/reduce.js';
export { toArray } from './core/terminals/to-array.js';
export { fromNodeReadable } from './core/adapters/from-node-readable.js';
export type { NodeReadableLike } from './core/adapters/node-readable.js';
export { fromReadableStream } from './core/adapters/from-readable-stream.js';
export { toReadableStream } from './core/adapters/to-readable-stream.js';
export { defer } from './core/sources/defer.js';

export { scoped, type Scope, type ScopedFunction } from './core/scoped.js';
export { startWith } from './core/operators/start-with.js';
export { endWith } from './core/operators/end-with.js';
export { dropWhile } from './core/operators/drop-while.js';
export { distinct } from './core/operators/distinct.js';
export { distinctUntilChanged } from './core/operators/distinct-until-changed.js';
export { pairwise } from './core/operators/pairwise.js';
export { batch } from './core/operators/batch.js';
export { some } from './core/terminals/some.js';
export { every } from './core/terminals/every.js';
export { find } from './core/terminals/find.js';
export { count } from './core/terminals/count.js';
export { last } from './core/terminals/last.js';
export { channel, type Channel, type ChannelOptions } from './core/sources/channel.js';
export { fromEvent, type EventSource } from './core/sources/from-event.js';
export { interval } from './core/sources/interval.js';
export { range } from './core/sources/range.js';
export { takeUntil, type Notifier } from './core/operators/take-until.js';
export { catchError } from './core/operators/catch-error.js';
export { retry, type RetryOptions } from './core/operators/retry.js';
export type { MapOptions } from './core/operators/map.js';
export { throttle } from './core/operators/throttle.js';
export { switchMap } from './core/operators/switch-map.js';
export { share, type Shared, type ShareOptions } from './core/sources/share.js';
export { tee } from './core/sources/tee.js';
export { debounce } from './core/operators/debounce.js';
export { batchTime } from './core/operators/batch-time.js';
