import { context as contextApi, type Context } from '@opentelemetry/api';

/**
 * Whether a context manager is registered with the OpenTelemetry API, in a few
 * nanoseconds: `context.active()` costs a versioned look-up of the API's global registry
 * (13–20 ns), which is most of what `traced` adds per item when nothing records.
 *
 * Without a manager the API's context is not observable: `context.active()` is always
 * `ROOT_CONTEXT` and `context.with` only calls its function. The registry is the object
 * every copy of `@opentelemetry/api` 1.x shares under `Symbol.for('opentelemetry.js.api.1')`
 * (`setGlobalContextManager` puts the manager at its `context` key, `context.disable()`
 * deletes it). Whether the API uses the manager it holds (a registry of an incompatible
 * version makes the API ignore it) is asked once per manager (`registeredManager`).
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

/** What a read needs of a context manager: the API's `ContextManager`, in part. */
export interface Manager {
  active(): Context;
  with<A extends unknown[], R>(context: Context, fn: (...args: A) => R, thisArg: undefined, ...args: A): R;
}

interface Registry {
  readonly context?: Manager;
}

let registry: Registry | undefined;

/** Find the API's registry, if no stage has found it yet (a stage's first read). */
export function lookUpRegistry(): void {
  registry ??= (globalThis as { [REGISTRY]?: Registry })[REGISTRY];
}

/** The last manager checked (and the registry it was found in), and what reads call for it. */
let checked: Manager | undefined;
let checkedIn: Registry | undefined;
let routedTo: Manager | undefined;

/**
 * What a read that switches contexts calls: the registered manager itself, when the API
 * routes `context.with` and `context.active` to it; undefined when the API ignores it (a
 * registry of an incompatible version: the API's no-op manager has nothing to switch).
 * Through the API, each call looks the registry up again and checks its version
 * (`isCompatible`), twice per item, which was about a tenth of what `traced` cost per item
 * under the AsyncLocalStorage manager with an SDK. Which manager the API routes to is
 * asked of the API once per manager object and registry (its `_getContextManager()`, on
 * every 1.x release; were it gone, reads go through the API as before). A registry's
 * version never changes, and a manager registered later is another object, checked anew.
 */
export function registeredManager(): Manager | undefined {
  let found = registry;
  if (found === undefined) return undefined;
  // The API never replaces its registry object, but a test harness may delete it and let
  // the API make another: once one exists, reading it is a cheap look-up, so each read
  // follows the current one. While none exists, the API has no manager to enter.
  const current = (globalThis as { [REGISTRY]?: Registry })[REGISTRY];
  if (current !== found) {
    if (current === undefined) return undefined;
    registry = found = current;
  }
  const manager = found.context;
  if (manager === undefined) return undefined;
  if (manager !== checked || found !== checkedIn) {
    checked = manager;
    checkedIn = found;
    routedTo = routing(manager);
  }
  return routedTo;
}

function routing(manager: Manager): Manager | undefined {
  const routed = (contextApi as unknown as { _getContextManager?: () => unknown })._getContextManager;
  if (typeof routed !== 'function') return THROUGH_API;
  return routed.call(contextApi) === manager ? manager : undefined;
}

/** The API itself, for an API without `_getContextManager`. */
const THROUGH_API: Manager = {
  active: () => contextApi.active(),
  with: (context, fn, thisArg, ...args) => contextApi.with(context, fn, thisArg, ...args),
};
