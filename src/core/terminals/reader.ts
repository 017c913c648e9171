/**
 * What the terminals read through: one plain stage, so each terminal gets ownership (C1),
 * abort (C3) and deadlines (C2) from the same base as every operator, and a stop closes
 * the source through the internal protocol (no duplicate report: the terminal throws the
 * error itself).
 */
import { NO_ERROR, suppress } from '../errors.js';
import { CANCELLED } from '../exit.js';
import type { Source } from '../source.js';
import { kClose, type InternalStage } from '../protocol.js';
import { PassStage, type StageOptions } from '../stage.js';

/** @internal */
export function openReader<T>(where: string, source: Source<T>, options: StageOptions | undefined): PassStage<T> {
  return new PassStage<T>(where, source, options);
}

/**
 * The reader is always the terminal's own stage (openReader), closed as an owner closes a
 * stage: the stage's own deadline bounds the close, and nothing is reported.
 *
 * The consumer's own code failed while the stream was open: close it and throw the
 * failure, with a close error attached as `await using` does (C5) instead of dropped as
 * `for await` does.
 * @internal
 */
export async function closeAfterFailure(reader: InternalStage, error: unknown): Promise<never> {
  const closeError = await reader[kClose](CANCELLED, Infinity);
  throw suppress(closeError, error);
}

/**
 * The terminal stops early on its own terms (first): close; a close error is the result.
 * @internal
 */
export async function closeEarly(reader: InternalStage): Promise<void> {
  const closeError = await reader[kClose](CANCELLED, Infinity);
  if (closeError !== NO_ERROR) throw closeError;
}
