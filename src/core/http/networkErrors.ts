// Reading undici's and Node's errors: the system or undici code behind a failure, timeouts, and a
// message that includes the cause.
import { isRecord } from '../typeGuards';

const TIMEOUT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT']);

/** The code of an error (or the first of an AggregateError, or of a cause); the system code when undici wraps one. */
export function errorCode(err: unknown): string | undefined {
  const seen = new Set<unknown>();
  let e: unknown = err;
  while (isRecord(e) && !seen.has(e)) {
    seen.add(e);
    if (typeof e.code === 'string') {
      // undici wraps socket failures: prefer the underlying system code when there is one.
      const inner = isRecord(e.cause) && typeof e.cause.code === 'string' ? e.cause.code : undefined;
      return inner && !inner.startsWith('UND_ERR') ? inner : e.code;
    }
    if (Array.isArray(e.errors) && e.errors.length > 0) {
      e = e.errors[0];
      continue;
    }
    e = e.cause;
  }
  return undefined;
}

export function isTimeoutError(err: unknown): boolean {
  const code = errorCode(err);
  return code !== undefined && TIMEOUT_CODES.has(code);
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) {
    const cause = err.cause instanceof Error && err.cause.message && err.cause.message !== err.message ? ` (${err.cause.message})` : '';
    return `${err.message}${cause}`;
  }
  return String(err);
}
