/**
 * State that must be one per process even when iterscope is loaded twice (the ESM and
 * the CommonJS build side by side, or two entry points bundled separately): report
 * listeners and global settings. It lives on `globalThis` under a registered symbol, the
 * way `@opentelemetry/api` keeps its globals, so every copy shares it. Nothing else on
 * `globalThis` is touched.
 */
import type { Report } from './report.js';

export interface Settings {
  /** Default close deadline (C2), in milliseconds. */
  closeTimeout: number;
  /** Record the creation stack of every stage, for abandonment reports (C7). */
  leakTracking: boolean;
}

export interface Runtime {
  readonly settings: Settings;
  readonly listeners: Set<(report: Report) => void>;
}

const KEY = Symbol.for('iterscope.runtime.v1');
const holder = globalThis as unknown as Record<symbol, Runtime | undefined>;

export const runtime: Runtime = (holder[KEY] ??= {
  // Why 5 s: long enough for any healthy close (an HTTP body cancel, a cursor close, a
  // span export), short enough that a hung one shows up as a stall a person notices and
  // is reported, instead of holding a server's shutdown or a request forever.
  settings: { closeTimeout: 5_000, leakTracking: false },
  listeners: new Set(),
});
