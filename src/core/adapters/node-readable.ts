/**
 * What `fromNodeReadable` needs of a Node `Readable`, written out structurally so that
 * iterscope's public types never import `node:stream`: a project without `@types/node` (a
 * browser or bundler build) compiles against them, and any real `Readable` fits.
 *
 * @example
 * ```ts
 * import { Readable } from 'node:stream';
 * import { fromNodeReadable, type NodeReadableLike } from 'iterscope';
 *
 * const readable: NodeReadableLike = Readable.from(['a']);
 * for await (const chunk of fromNodeReadable<string>(readable)) console.log(chunk); // 'a'
 * ```
 */
export interface NodeReadableLike {
  /** Takes the next buffered chunk, or `null` when none is buffered. */
  read(): unknown;
  /** Subscribes to `'readable'`, `'end'` and `'close'`. */
  on(event: 'readable' | 'end' | 'close', listener: () => void): unknown;
  /** Subscribes to `'error'`. */
  on(event: 'error', listener: (error: Error) => void): unknown;
  /** Unsubscribes a listener added with `on`. */
  off(event: 'readable' | 'end' | 'close', listener: () => void): unknown;
  /** Destroys the stream: how the stage closes it (C1). */
  destroy(): unknown;
  /** True once `'end'` is emitted (already while its listeners run, as Node sets it). */
  readonly readableEnded: boolean;
  /** True once the stream was destroyed. */
  readonly destroyed: boolean;
  /** True once `'close'` was emitted (Node 18 and later); closing waits for `'close'` until then. */
  readonly closed?: boolean;
}
