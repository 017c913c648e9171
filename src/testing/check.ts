/**
 * Pluggable checks: invariants that need knowledge the harness does not have (spans
 * recorded by a tracer, a database's open cursors) run after each scenario next to the
 * built-in ones.
 */
import type { Scenario } from './scenario.js';

/**
 * What a custom check sees after each scenario.
 *
 * @example
 * ```ts
 * import type { ScenarioObservation } from 'iterscope/testing';
 * const describe = (o: ScenarioObservation) => `${o.expectedOutcome} after ${String(o.scenario.consumer.steps.length)} steps`;
 * console.log(typeof describe);
 * ```
 */
export interface ScenarioObservation {
  /** The scenario that ran. */
  readonly scenario: Scenario;
  /**
   * How the outermost stage should say it ended (`iterscope.outcome`): `completed`,
   * `error`, `cancelled`, `aborted`, or `abandoned` (only once the stage was collected).
   */
  readonly expectedOutcome: 'completed' | 'error' | 'cancelled' | 'aborted' | 'abandoned' | 'unknown';
  /** True when `expectedOutcome` is `error` because the consumer called `throw()` (a stage below the outermost sees `cancelled`). */
  readonly thrownIn: boolean;
  /** The abort's reason, when the signal fired. */
  readonly abortReason: unknown;
  /** True when the abort fired. */
  readonly aborted: boolean;
  /** True when the subject was abandoned and garbage collection ran. */
  readonly collected: boolean;
}

/**
 * An extra invariant, checked after every scenario (a span check, for instance).
 *
 * @example
 * ```ts
 * import type { ScenarioCheck } from 'iterscope/testing';
 * let opened = 0;
 * const cursors: ScenarioCheck = {
 *   name: 'cursors-closed',
 *   before: () => { opened = 0; },
 *   after: () => (opened === 0 ? [] : [`${String(opened)} cursors left open`]),
 * };
 * console.log(cursors.name);
 * ```
 */
export interface ScenarioCheck {
  /** Its name in reports. */
  readonly name: string;
  /** Called before each scenario (reset what you record). */
  before?(): void;
  /** Called after each scenario; returns one message per violation. */
  after(observation: ScenarioObservation): readonly string[] | Promise<readonly string[]>;
}
