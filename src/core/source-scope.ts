/**
 * C8: a stage that runs its source's steps inside a scope of its own (`traced` and
 * `bindContext` run them inside an OpenTelemetry context) offers that scope to the stage
 * reading it. A stage that opens sources of its own from the items it reads (`flatMap`'s
 * inner sources) opens, reads and closes them in the same scope, so what an inner producer
 * does belongs to the stream it came from, as the traced source's own steps do. Core knows
 * nothing of OpenTelemetry: a scope only runs a function. A registered, versioned symbol,
 * so two copies of iterscope agree.
 */
/** @internal */
export const kSourceScope = Symbol.for('iterscope.sourceScope.v1');

/** Runs `fn` inside the scope and returns what it returns. @internal */
export interface SourceScope {
  run<R>(fn: () => R): R;
}

/** The scope `source` offers to the stage reading it, if any. @internal */
export function sourceScopeOf(source: unknown): SourceScope | undefined {
  if (typeof source !== 'object' || source === null) return undefined;
  // An absent key reads as undefined, which the shape check below turns away.
  const scope = (source as { [kSourceScope]?: unknown })[kSourceScope];
  if (typeof scope !== 'object' || scope === null || typeof (scope as { run?: unknown }).run !== 'function') return undefined;
  return scope as SourceScope;
}
