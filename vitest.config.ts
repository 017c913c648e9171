import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const here = (path: string): string => fileURLToPath(new URL(`./${path}`, import.meta.url));
const src = (path: string): string => here(`src/${path}`);

// The otel suite also runs against api 1.10 + sdk-trace 3.x + context-async-hooks 3.x, which
// need Node >= 22.15. On an older Node that project is left out, and says so.
const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
export const otelSdk3Supported = major > 22 || (major === 22 && minor >= 15);
if (!otelSdk3Supported) {
  console.warn(
    `iterscope: the otel suite on api 1.10 + sdk-trace 3.x is skipped: it needs Node >= 22.15, this is Node ${process.versions.node}.`,
  );
}

const ownAliases = [
  // Resolve the package's own name to its sources, so tests and the
  // subpath entries never need a build first (mirrors `paths` in tsconfig).
  { find: /^iterscope$/, replacement: src('index.ts') },
  { find: /^iterscope\/internal$/, replacement: src('core/internal.ts') },
  { find: /^iterscope\/otel$/, replacement: src('otel/index.ts') },
  { find: /^iterscope\/testing$/, replacement: src('testing/index.ts') },
  { find: /^iterscope\/node$/, replacement: src('node/index.ts') },
];

export default defineConfig({
  resolve: { alias: ownAliases },
  test: {
    exclude: ['**/node_modules/**', '**/dist/**', 'test/fixtures/**'],
    // Worker threads: each test file still gets a fresh one (its own realm and module
    // graph), without starting a process per file. On 2 cores the suite took 113 s of
    // wall time and 201 s of CPU in threads, 135 s and about 250 s in child processes.
    pool: 'threads',
    // Vitest's default is one worker fewer than the cores: one worker on a 2-core machine.
    // Much of this suite waits (child processes, loopback servers, collection), so two
    // workers there take 100 s where one took 139 s.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    // Threads refuse `--expose-gc`; the first setup file exposes `gc` for the leak tests,
    // which force collection through `globalThis.gc()`.
    setupFiles: ['test/setup/expose-gc.ts', 'test/setup/unhandled.ts'],
    projects: [
      {
        extends: true,
        test: {
          name: 'default',
          include: ['test/**/*.test.ts', 'docs/examples/**/*.test.ts', 'examples/**/*.test.ts'],
          typecheck: {
            enabled: true,
            include: ['test/**/*.test-d.ts'],
            tsconfig: 'tsconfig.json',
          },
        },
      },
      ...(otelSdk3Supported
        ? [
            {
              extends: true as const,
              resolve: {
                // iterscope and the tests use the api the 3.x SDK peers on (1.10), installed
                // beside it in test/otel/sdk-3.
                alias: [
                  ...ownAliases,
                  { find: /^@opentelemetry\/api$/, replacement: here('test/otel/sdk-3/node_modules/@opentelemetry/api') },
                ],
              },
              test: {
                name: 'otel-sdk-3',
                include: ['test/otel/**/*.test.ts'],
                // Real http/undici instrumentation is installed for the 2.x line only.
                exclude: ['**/node_modules/**', 'test/otel/downstream.test.ts'],
                env: { ITERSCOPE_OTEL_LINE: '3' },
              },
            },
          ]
        : []),
    ],
  },
});
