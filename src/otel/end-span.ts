/**
 * C9: how every iterscope span ends. Status ERROR, with the exception and `error.type`
 * recorded, only for the `error` outcome; every other outcome (`cancelled`, `aborted`,
 * `abandoned`) is an attribute, never a status: a consumer that stops reading, or an abort
 * someone asked for, is not a failure of the stream.
 */
import { SpanStatusCode, type Exception, type Span } from '@opentelemetry/api';
import type { Exit } from 'iterscope';
import { ERROR_TYPE, ERROR_TYPE_OTHER, OUTCOME } from './attributes.js';

/** End `span` with `exit`. The caller guarantees this runs once per span (own flag). */
export function endSpan(span: Span, recording: boolean, exit: Exit): void {
  if (recording) {
    span.setAttribute(OUTCOME, exit.outcome);
    if (exit.outcome === 'error') {
      span.setAttribute(ERROR_TYPE, errorType(exit.error));
      span.recordException(asException(exit.error));
      span.setStatus({ code: SpanStatusCode.ERROR, message: messageOf(exit.error) });
    }
  }
  span.end();
}

/** Anything can be thrown; the API takes errors (or error-like objects) and strings. */
export function asException(error: unknown): Exception {
  if (typeof error === 'object' && error !== null && ('message' in error || 'name' in error)) return error as Exception;
  return String(error);
}

/** The status message: an error's (or error-like object's) message, else the value as a string. */
function messageOf(error: unknown): string {
  const message = (error as { message?: unknown } | null | undefined)?.message;
  return typeof message === 'string' ? message : String(error);
}

/**
 * Low-cardinality class of an error (semantic conventions, `error.type`): a specific `name`
 * (`TimeoutError`, `APIConnectionError` when set), else the class name (a subclass that
 * leaves `name` as `Error`), else `_OTHER`. Never the message.
 */
export function errorType(error: unknown): string {
  if (typeof error !== 'object' || error === null) return ERROR_TYPE_OTHER;
  const name = (error as { name?: unknown }).name;
  if (typeof name === 'string' && name !== '' && name !== 'Error') return name;
  const constructorName = (error as { constructor?: { name?: unknown } }).constructor?.name;
  if (typeof constructorName === 'string' && constructorName !== '' && constructorName !== 'Object') return constructorName;
  return typeof name === 'string' && name !== '' ? name : ERROR_TYPE_OTHER;
}
