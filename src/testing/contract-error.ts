import type { Violation } from './invariants.js';
import type { Scenario } from './scenario.js';

/**
 * Thrown by `checkContract` and `checkPipelines` when a scenario broke an invariant. The
 * message is the readable report: every broken invariant of the shrunk scenario, the
 * scenario itself, and the seed and path that replay it.
 *
 * @example
 * ```ts
 * import { checkContract, ContractError } from 'iterscope/testing';
 *
 * async function* leaky(source: AsyncIterable<number>) { for await (const x of source) yield x; }
 * try {
 *   await checkContract(({ source }) => leaky(source as AsyncIterable<number>), { runs: 50, abort: false });
 * } catch (error) {
 *   if (error instanceof ContractError) console.log(error.violations.map((v) => v.invariant));
 * }
 * ```
 */
export class ContractError extends Error {
  /** Every invariant the shrunk scenario broke. */
  readonly violations: readonly Violation[];
  /** The shrunk scenario. */
  readonly scenario: Scenario;
  /** The seed of the run. */
  readonly seed: number;
  /** With `seed`, replays the failing scenario: pass both back in the options. */
  readonly path: string;

  /**
   * @param message - The report.
   * @param details - The violations, scenario, seed and path.
   */
  constructor(
    message: string,
    details: { violations: readonly Violation[]; scenario: Scenario; seed: number; path: string },
  ) {
    super(message);
    this.violations = details.violations;
    this.scenario = details.scenario;
    this.seed = details.seed;
    this.path = details.path;
  }
}
Object.defineProperty(ContractError.prototype, 'name', { value: 'ContractError', writable: true, configurable: true });
