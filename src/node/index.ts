/**
 * `iterscope/node`: adapters that construct Node stream objects, so they import
 * `node:stream`. Kept out of the root entry, which has no dependencies and runs in
 * browsers too; Node, Bun and Deno provide `node:stream`. (Reading a Node stream needs no
 * import: `fromNodeReadable` is in the root.)
 *
 * @packageDocumentation
 */
export { toNodeReadable, type ToNodeReadableOptions } from './to-node-readable.js';
