/** Reading `stack` once formats it, and V8 lets go of the frames (and their `this`). */
function formatStack(error: Error): void {
  Reflect.get(error, 'stack');
}

/**
 * The error an instrumented source or stage throws when its scenario tells it to. Each
 * one is a distinct object, so the harness can follow it to wherever it surfaced (C5).
 *
 * @example
 * ```ts
 * import { ProbeError } from 'iterscope/testing';
 * const error = new ProbeError('source#0', 'next', 2);
 * console.log(error.message); // 'source#0: next() failed at step 2'
 * ```
 */
export class ProbeError extends Error {
  /** The id of the node that threw. */
  readonly node: string;
  /** Where it was thrown: `next`, `return`, `callback` or `cleanup`. */
  readonly where: string;
  /** The step (item index) it was thrown at. */
  readonly step: number;

  /**
   * @param node - The id of the node that throws.
   * @param where - `next`, `return`, `callback` or `cleanup`.
   * @param step - The item index.
   */
  constructor(node: string, where: string, step: number) {
    super(`${node}: ${where}${where === 'next' || where === 'return' ? '()' : ''} failed at step ${String(step)}`);
    this.node = node;
    this.where = where;
    this.step = step;
    // V8 keeps the frames of an error's stack, with each frame's `this`, until the stack is
    // read. The harness keeps every error it threw: without this, an error thrown inside a
    // stage's callback would keep that stage alive, and a dropped stage would never be
    // collected (a false C7 finding).
    formatStack(this);
  }
}
Object.defineProperty(ProbeError.prototype, 'name', { value: 'ProbeError', writable: true, configurable: true });
