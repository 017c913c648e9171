import { runtime } from './runtime.js';
import { checkDuration, checkKnownKeys, checkOptions, describe } from './validate.js';

/**
 * Process-wide defaults. Every stage reads them when it is created; options passed to a
 * stage win.
 *
 * @example
 * ```ts
 * import { configure } from 'iterscope';
 * configure({ leakTracking: true, closeTimeout: 2_000 });
 * ```
 */
export interface Configuration {
  /**
   * The default close deadline in milliseconds (C2): how long `return()` waits for the
   * sources below to finish closing before it resolves anyway and reports the stragglers.
   * Default 5000. `Infinity` waits forever.
   */
  readonly closeTimeout?: number;
  /**
   * Record the stack where each stage is created, so an abandonment report (C7) says
   * where the leaked stream came from. Costs a stack capture per stage; off by default.
   */
  readonly leakTracking?: boolean;
}

/**
 * Change the process-wide defaults and return the previous ones (handy in tests).
 *
 * @param options - The settings to change; settings left out keep their value.
 * @returns The settings as they were before the call.
 * @throws TypeError / RangeError on a key it does not know (a misspelt setting would
 * otherwise be ignored) or a value of the wrong type or range.
 * @example
 * ```ts
 * import { configure } from 'iterscope';
 *
 * const previous = configure({ leakTracking: true });
 * // ... later
 * configure(previous);
 * ```
 */
export function configure(options: Configuration): Required<Configuration> {
  checkOptions('configure', options);
  checkKnownKeys('configure', options, ['closeTimeout', 'leakTracking']);
  const { closeTimeout, leakTracking } = options;
  if (closeTimeout !== undefined) checkDuration('configure', 'closeTimeout', closeTimeout);
  if (leakTracking !== undefined && typeof leakTracking !== 'boolean') {
    throw new TypeError(`configure: expected \`leakTracking\` to be a boolean, got ${describe(leakTracking)}.`);
  }
  const previous = { ...runtime.settings };
  if (closeTimeout !== undefined) runtime.settings.closeTimeout = closeTimeout;
  if (leakTracking !== undefined) runtime.settings.leakTracking = leakTracking;
  return previous;
}
