import type { Stage, StageOptions } from '../stage.js';
import { checkStageOptions, describe } from '../validate.js';
import { PushStage } from './push-stage.js';

/**
 * What {@link fromEvent} listens to: a DOM-style `EventTarget`, or a Node-style
 * `EventEmitter` (`on`/`off`, or `addListener`/`removeListener`).
 *
 * @example
 * ```ts
 * import { EventEmitter } from 'node:events';
 * import type { EventSource } from 'iterscope';
 * const a: EventSource = new EventTarget();
 * const b: EventSource = new EventEmitter();
 * console.log(typeof a, typeof b);
 * ```
 */
export type EventSource =
  | {
      /** Called at the first read. */
      addEventListener(type: string, listener: (event: unknown) => void): void;
      /** Called when the stream stops. */
      removeEventListener(type: string, listener: (event: unknown) => void): void;
    }
  | {
      /** Called at the first read. */
      on(type: string, listener: (...args: unknown[]) => void): unknown;
      /** Called when the stream stops. */
      off(type: string, listener: (...args: unknown[]) => void): unknown;
    }
  | {
      /** Called at the first read. */
      addListener(type: string, listener: (...args: unknown[]) => void): unknown;
      /** Called when the stream stops. */
      removeListener(type: string, listener: (...args: unknown[]) => void): unknown;
    };

type Listen = (type: string, listener: (value: unknown) => void) => () => void;

/** C10: recognise the target at the call. */
function listenerApi(target: unknown): Listen | undefined {
  if (typeof target !== 'object' || target === null) return undefined;
  const t = target as Record<string, unknown>;
  for (const [add, remove] of [
    ['addEventListener', 'removeEventListener'],
    ['on', 'off'],
    ['addListener', 'removeListener'],
  ] as const) {
    const on = t[add];
    const off = t[remove];
    if (typeof on === 'function' && typeof off === 'function') {
      return (type, listener) => {
        on.call(target, type, listener);
        return () => {
          off.call(target, type, listener);
        };
      };
    }
  }
  return undefined;
}

/**
 * The events of one type, as a stream. The listener is added at the first `next()` and
 * removed when the stream stops for any reason (`break`, `return()`, an abort, an error),
 * so a consumer that leaves does not leave a listener behind. An `EventEmitter`'s
 * `'error'` event fails the stream (one the consumer leaves without reading is reported, C5).
 * Events arriving faster than they are read wait in an unbounded queue: events cannot be
 * slowed down; add `take`, `takeUntil` or a signal.
 *
 * Each item is the event (EventTarget) or the listener's first argument (EventEmitter).
 *
 * @param target - An `EventTarget` or an `EventEmitter`.
 * @param type - The event name.
 * @param options - `signal` and `closeTimeout`, as for `aclosing`.
 * @returns A stage of the events.
 * @throws TypeError at the call when `target` has no listener methods, `type` is not a
 * string or an option is wrong.
 * @example
 * ```ts
 * import { EventEmitter } from 'node:events';
 * import { fromEvent, pipe, take } from 'iterscope';
 *
 * const emitter = new EventEmitter();
 * setTimeout(() => { emitter.emit('data', 1); emitter.emit('data', 2); }, 10);
 * for await (const x of pipe(fromEvent<number>(emitter, 'data'), take(2))) console.log(x); // 1, 2
 * console.log(emitter.listenerCount('data')); // 0: removed when take closed the stream
 * ```
 */
export function fromEvent<T = unknown>(target: EventSource, type: string, options?: StageOptions): Stage<T> {
  const listen = listenerApi(target);
  if (listen === undefined) {
    throw new TypeError(`fromEvent: expected \`target\` to be an EventTarget or an EventEmitter, got ${describe(target)}.`);
  }
  if (typeof type !== 'string') throw new TypeError(`fromEvent: expected \`type\` to be a string, got ${describe(type)}.`);
  checkStageOptions('fromEvent', options);
  const isEmitter = typeof (target as { addEventListener?: unknown }).addEventListener !== 'function';
  return new PushStage<T>('fromEvent', Infinity, options, (stage) => {
    const removeData = listen(type, (value) => void stage.push(value as T));
    if (!isEmitter || type === 'error') return removeData;
    // Node's convention: an 'error' event nobody handles would throw; the stream fails instead.
    const removeError = listen('error', (error) => {
      stage.error(error);
    });
    return () => {
      removeData();
      removeError();
    };
  });
}
