/**
 * Whether a context manager is registered with the OpenTelemetry API, in a few
 * nanoseconds: `context.active()` costs a versioned look-up of the API's global registry
 * (13–20 ns), which is most of what `traced` adds per item when nothing records.
 *
 * Without a manager the API's context is not observable: `context.active()` is always
 * `ROOT_CONTEXT` and `context.with` only calls its function. The registry is the object
 * every copy of `@opentelemetry/api` 1.x shares under `Symbol.for('opentelemetry.js.api.1')`
 * (`setGlobalContextManager` puts the manager at its `context` key, `context.disable()`
 * deletes it). A manager the API would ignore (a registry of an incompatible version)
 * still reads as registered here, so the answer errs on the side of switching contexts.
 */
const REGISTRY = Symbol.for('opentelemetry.js.api.1');

export function contextManagerRegistered(): boolean {
  const registry = (globalThis as { [REGISTRY]?: { context?: unknown } })[REGISTRY];
  return registry?.context !== undefined;
}
