/**
 * Testing helpers for code built on iterscope.
 *
 * @packageDocumentation
 */

/**
 * The version of the `iterscope/testing` entry point.
 *
 * @example
 * ```ts
 * import { VERSION } from 'iterscope/testing';
 * console.log(VERSION); // '0.1.0'
 * ```
 */
export const VERSION = '0.1.0';
