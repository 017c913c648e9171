/**
 * OpenTelemetry integration for iterscope.
 *
 * @packageDocumentation
 */

/**
 * The version of the `iterscope/otel` entry point.
 *
 * @example
 * ```ts
 * import { VERSION } from 'iterscope/otel';
 * console.log(VERSION); // '0.1.0'
 * ```
 */
export const VERSION = '0.1.0';
