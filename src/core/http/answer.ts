// What a Veriff answer means: its signature, then the status and body turned into an Outcome.
import { explainVeriffError, normaliseCode } from '../errors';
import { verifySignature } from '../signing';
import { isRecord } from '../typeGuards';
import type { Outcome, ResponseSignature } from './outcomes';
import { Headers, ShapeParser, header, parseJsonBody, parseRetryAfter } from './response';

/** The request an answer belongs to, as far as interpreting it needs. */
export interface AnsweredRequest<T> {
  method: string;
  path: string;
  parse: ShapeParser<T>;
}

/**
 * The Outcome of a complete answer: `rateLimited` for 429, `malformed` for what is not the JSON
 * Veriff sends, `ok` with the parsed value for 2xx, `veriffError` otherwise. `clean` strips secrets
 * from text taken from the answer; `now` is for Retry-After dates.
 */
export function interpretAnswer<T>(
  spec: AnsweredRequest<T>,
  http: number,
  headers: Headers,
  raw: Buffer,
  sharedSecret: string,
  now: number,
  clean: (text: string) => string,
): Outcome<T> {
  const given = header(headers, 'x-hmac-signature');
  const signature: ResponseSignature = given === undefined ? 'missing' : verifySignature(raw, given, sharedSecret) ? 'valid' : 'invalid';
  const parsed = parseJsonBody(raw, header(headers, 'content-type'));

  if (http === 429) {
    const body = parsed.ok && isRecord(parsed.json) ? parsed.json : {};
    const code = normaliseCode(body.code);
    const message = typeof body.message === 'string' ? clean(body.message) : 'Too many requests.';
    const retryAfterMs = parseRetryAfter(headers, now);
    return {
      kind: 'rateLimited',
      http: 429,
      ...(code !== undefined ? { code } : {}),
      message,
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
      explanation: explainVeriffError(429, code, message),
      signature,
    };
  }
  if (!parsed.ok) {
    return { kind: 'malformed', http, message: `Veriff answered HTTP ${http} with ${parsed.problem}.`, signature };
  }
  if (http >= 200 && http < 300) {
    const value = spec.parse(parsed.json);
    if (value === undefined) {
      return { kind: 'malformed', http, message: `Veriff answered HTTP ${http} with JSON of an unexpected shape for ${spec.method} ${spec.path}.`, signature };
    }
    return { kind: 'ok', value, http, signature };
  }
  if (!isRecord(parsed.json)) {
    return { kind: 'malformed', http, message: `Veriff answered HTTP ${http} with JSON that is not an error object.`, signature };
  }
  // Error bodies: `status` is "fail" now and was numeric once; `code` may be a string or a number.
  const code = normaliseCode(parsed.json.code);
  const message = typeof parsed.json.message === 'string' && parsed.json.message.trim() ? clean(parsed.json.message.trim()) : `HTTP ${http}`;
  return {
    kind: 'veriffError',
    http,
    ...(code !== undefined ? { code } : {}),
    message,
    explanation: explainVeriffError(http, code, message),
    signature,
  };
}
