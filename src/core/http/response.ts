/** Pure helpers for reading Veriff answers: headers, JSON bodies and their shapes. */
import { normaliseSessionId } from '../ids';
import { isRecord } from '../typeGuards';
import type { Attempt, CreatedSession, Decision, DeletedSession, PatchedSession } from './outcomes';

export type Headers = Record<string, string | string[] | undefined>;

export function header(headers: Headers, name: string): string | undefined {
  const v = headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

/**
 * How long to wait before the next try, from Retry-After (delta seconds or HTTP-date) or else
 * X-RateLimit-Reset (delta seconds, or an epoch in seconds/milliseconds: Veriff does not
 * document which, so large values are read as epochs). Undefined when neither is usable.
 */
export function parseRetryAfter(headers: Headers, nowMs: number): number | undefined {
  const retryAfter = header(headers, 'retry-after')?.trim();
  if (retryAfter) {
    if (/^\d+(\.\d+)?$/.test(retryAfter)) {
      return Math.round(Number(retryAfter) * 1000);
    }
    const at = Date.parse(retryAfter);
    if (!Number.isNaN(at)) {
      return Math.max(0, at - nowMs);
    }
  }
  const reset = header(headers, 'x-ratelimit-reset')?.trim();
  if (reset) {
    if (/^\d+(\.\d+)?$/.test(reset)) {
      const n = Number(reset);
      if (n > 1e12) {
        return Math.max(0, Math.round(n - nowMs));
      }
      if (n > 1e9) {
        return Math.max(0, Math.round(n * 1000 - nowMs));
      }
      return Math.round(n * 1000);
    }
    const at = Date.parse(reset);
    if (!Number.isNaN(at)) {
      return Math.max(0, at - nowMs);
    }
  }
  return undefined;
}

export type Parsed = { ok: true; json: unknown } | { ok: false; problem: string };

/** Parses a body as JSON, or says in plain words what it was instead. */
export function parseJsonBody(raw: Buffer, contentType: string | undefined): Parsed {
  const text = raw.toString('utf8');
  const trimmed = text.trim();
  if (trimmed === '') {
    return { ok: false, problem: 'an empty body instead of JSON' };
  }
  try {
    return { ok: true, json: JSON.parse(trimmed) };
  } catch {
    // fall through to the description
  }
  const type = (contentType ?? '').toLowerCase();
  if (type.includes('html') || /^<(!doctype|html|head|body|\?xml|[a-z])/i.test(trimmed)) {
    return { ok: false, problem: 'an HTML page instead of JSON (a proxy, firewall or wrong API URL in between?)' };
  }
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    return { ok: false, problem: `JSON that is cut off or invalid (${raw.length} bytes)` };
  }
  return { ok: false, problem: `a body that is not JSON (${type || 'no content type'}, ${raw.length} bytes)` };
}

function optString(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** A session id from an answer: normalised, and only when it is a UUID (it ends up in URLs and files). */
function optSessionId(v: unknown): string | undefined {
  return typeof v === 'string' ? normaliseSessionId(v) : undefined;
}

/** A link to open or copy: http(s) only, never `command:`, `file:` or `javascript:`. */
function isWebUrl(v: unknown): v is string {
  if (typeof v !== 'string') {
    return false;
  }
  try {
    const protocol = new URL(v).protocol;
    return protocol === 'https:' || protocol === 'http:';
  } catch {
    return false;
  }
}

function optNumber(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) {
    return v;
  }
  if (typeof v === 'string' && /^\d+$/.test(v)) {
    return Number(v);
  }
  return undefined;
}

/** A body shape check: the value, or undefined when the JSON is not what the endpoint documents. */
export type ShapeParser<T> = (json: unknown) => T | undefined;

export function parseDeleted(requestedId: string): ShapeParser<DeletedSession> {
  return (json) => {
    if (!isRecord(json)) {
      return undefined;
    }
    // Only Veriff's documented success shape counts: {"status":"success","verification":{"id":…}}.
    const v = json.verification;
    const id = isRecord(v) ? optString(v.id) : undefined;
    if (json.status !== 'success' || id === undefined) {
      return undefined;
    }
    return { id: id.toLowerCase() === requestedId.toLowerCase() ? requestedId : id };
  };
}

export const parseDecision: ShapeParser<Decision> = (json) => {
  if (!isRecord(json) || !('verification' in json)) {
    return undefined;
  }
  const v = json.verification;
  if (v === null) {
    return { verification: null };
  }
  if (!isRecord(v) || typeof v.status !== 'string') {
    return undefined;
  }
  return {
    verification: {
      id: optSessionId(v.id),
      status: v.status,
      code: optNumber(v.code),
      reason: optString(v.reason) ?? null,
      reasonCode: optNumber(v.reasonCode) ?? null,
      decisionTime: optString(v.decisionTime) ?? null,
    },
  };
};

export const parseAttempts: ShapeParser<Attempt[]> = (json) => {
  if (!isRecord(json) || !Array.isArray(json.verifications)) {
    return undefined;
  }
  const attempts: Attempt[] = [];
  for (const a of json.verifications) {
    if (!isRecord(a) || typeof a.id !== 'string' || typeof a.status !== 'string') {
      return undefined;
    }
    attempts.push({ id: a.id, status: a.status, createdTime: optString(a.createdTime) });
  }
  return attempts;
};

export const parseCreated: ShapeParser<CreatedSession> = (json) => {
  const v = isRecord(json) ? json.verification : undefined;
  const id = isRecord(v) ? optSessionId(v.id) : undefined;
  if (!isRecord(v) || id === undefined || !isWebUrl(v.url)) {
    return undefined;
  }
  return {
    id,
    url: v.url,
    status: optString(v.status) ?? 'created',
    vendorData: optString(v.vendorData),
    host: optString(v.host),
    sessionToken: optString(v.sessionToken),
  };
};

export function parsePatched(requestedId: string): ShapeParser<PatchedSession> {
  return (json) => {
    const v = isRecord(json) ? json.verification : undefined;
    if (!isRecord(v) || typeof v.status !== 'string') {
      return undefined;
    }
    return { id: optSessionId(v.id) ?? requestedId, status: v.status };
  };
}

/** The latest attempt: by createdTime when every attempt has one, else the last listed. */
export function latestAttempt(attempts: readonly Attempt[]): Attempt | undefined {
  if (attempts.length === 0) {
    return undefined;
  }
  const times = attempts.map((a) => (a.createdTime ? Date.parse(a.createdTime) : Number.NaN));
  if (times.every((t) => !Number.isNaN(t))) {
    let best = 0;
    times.forEach((t, i) => {
      if (t >= times[best]!) {
        best = i;
      }
    });
    return attempts[best];
  }
  return attempts[attempts.length - 1];
}
