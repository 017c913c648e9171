/**
 * `node:events` for the browser bundle. Only `getEventListeners` is imported by a test, and
 * that test is skipped in the browser (see platform.ts); calling it anyway says why.
 */
export function getEventListeners(): never {
  throw new Error('getEventListeners is a Node API: not available in a browser');
}
