import { createHmac, timingSafeEqual } from 'node:crypto';

/** Lowercase hex HMAC-SHA256 of `payload` keyed with the integration's shared secret. */
export function sign(payload: string | Uint8Array, sharedSecret: string): string {
  return createHmac('sha256', sharedSecret).update(payload).digest('hex');
}

/** Constant-time check of a hex signature (case-insensitive) against `payload`. */
export function verifySignature(payload: string | Uint8Array, signature: string | undefined | null, sharedSecret: string): boolean {
  if (!signature || !/^[0-9a-fA-F]{64}$/.test(signature.trim())) {
    return false;
  }
  const expected = Buffer.from(sign(payload, sharedSecret), 'hex');
  const given = Buffer.from(signature.trim().toLowerCase(), 'hex');
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** What Veriff signs for a request: the session id for GET/DELETE, the exact body bytes otherwise. */
export function signedPayload(method: string, sessionId: string | undefined, body: string | undefined): string {
  const m = method.toUpperCase();
  if (m === 'POST' || m === 'PATCH') {
    return body ?? '';
  }
  return sessionId ?? '';
}
