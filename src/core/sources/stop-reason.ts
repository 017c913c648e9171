import type { Exit } from '../exit.js';

/**
 * C3: the reason a stage gives the signal it handed out when it stops. On an abort it is
 * the user's reason, that exact object; on any other stop an `AbortError` naming the
 * stage and the outcome, so a source rejecting with it is recognised as ended by the stop.
 * @internal
 */
export function stopReason(stage: string, exit: Exit): unknown {
  if (exit.outcome === 'aborted') return exit.reason;
  return new DOMException(`iterscope: ${stage} stopped (${exit.outcome})`, 'AbortError');
}
