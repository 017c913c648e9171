import { afterEach, describe, expect, it } from 'vitest';
import { pipe } from 'iterscope';
import { traced } from 'iterscope/otel';
import { installTracing, sdk, type Tracing } from './tracing.js';

// The otel suite runs once per OpenTelemetry line (vitest projects `default` and
// `otel-sdk-3`); this file checks that each run really uses its line, and says when a line
// cannot run on this Node.

const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
const sdk3Supported = major > 22 || (major === 22 && minor >= 15);

describe(`OpenTelemetry line: ${sdk.name}`, () => {
  let t: Tracing | undefined;
  afterEach(() => t?.uninstall());

  it('iterscope and the SDK share the api of this line, and spans reach the exporter', async () => {
    t = installTracing({ contextManager: true });
    // The api keeps its registrations under this key, with the version that made them.
    const registered = (globalThis as Record<symbol, { version?: string } | undefined>)[Symbol.for('opentelemetry.js.api.1')];
    expect(registered?.version).toMatch(process.env['ITERSCOPE_OTEL_LINE'] === '3' ? /^1\.10\./ : /^1\.9\./);
    for await (const _ of pipe([1, 2], traced({ name: 'line' }))) {
      // drain
    }
    expect(t.span('line').attributes['iterscope.items']).toBe(2);
  });

  if (!sdk3Supported) {
    it.skip(`api 1.10 + sdk-trace 3.x: not run, it needs Node >= 22.15 and this is Node ${process.versions.node}`, () => undefined);
  }
});
