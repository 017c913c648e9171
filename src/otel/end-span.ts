/**
 * C9: how every iterscope span ends. Status ERROR, with the exception recorded, only for the
 * `error` outcome; every other outcome is an attribute, never a status.
 */
import { SpanStatusCode, type Exception, type Span } from '@opentelemetry/api';
import type { Exit } from 'iterscope';
import { OUTCOME } from './attributes.js';

/** End `span` with `exit`. The caller guarantees this runs once per span (own flag). */
export function endSpan(span: Span, recording: boolean, exit: Exit): void {
  if (recording) {
    span.setAttribute(OUTCOME, exit.outcome);
    if (exit.outcome === 'error') {
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

function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'object' && error !== null && typeof (error as { message?: unknown }).message === 'string') {
    return (error as { message: string }).message;
  }
  return String(error);
}
