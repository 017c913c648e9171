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
 *
 * The registry is looked up once per stage that switches contexts, on its first read
 * (next-in-context.ts), not on every read: reading a global property that does not exist
 * (no copy of the API has registered anything: no SDK) misses V8's inline cache every
 * time, about 6 ns, which was most of what `traced` still cost per item then. Once found it
 * is kept: the API never replaces it, it only adds to it and deletes from it. So a manager
 * registered while no copy of the API had registered anything is seen by every stream
 * from the next first read of a traced or bound stage on; a stream that has already read
 * and found no registry finds it then too.
 */
const REGISTRY = Symbol.for('opentelemetry.js.api.1');

interface Registry {
  readonly context?: unknown;
}

let registry: Registry | undefined;

/** Find the API's registry, if no stage has found it yet (a stage's first read). */
export function lookUpRegistry(): void {
  registry ??= (globalThis as { [REGISTRY]?: Registry })[REGISTRY];
}

export function contextManagerRegistered(): boolean {
  return registry?.context !== undefined;
}
