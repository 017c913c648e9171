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
  }
}
Object.defineProperty(ProbeError.prototype, 'name', { value: 'ProbeError', writable: true, configurable: true });
