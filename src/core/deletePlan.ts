import type { DeletedSession, Outcome } from './http/outcomes';
import type { SessionStatus } from './status';
import { isStatusStale } from './statusRefresh';

/**
 * The rules of "Delete Session": which sessions a DELETE may be spent on, and what each answer
 * means for the tracked session. A DELETE costs one of Veriff's few deletes (5 per hour, 10 per
 * 24 hours) whatever its answer, so nothing is sent unless the session's state is known and
 * allows it.
 */

/** Before a DELETE the status must have been fetched at most this long ago (else one GET first). */
export const DELETE_STATUS_MAX_AGE_MS = 60_000;

export interface DeleteCandidate {
  /** Normalised session id. */
  readonly id: string;
  readonly status: SessionStatus;
  readonly statusFetchedAt?: number;
}

/** Why a candidate is not sent. */
export type NotSentReason =
  /** submitted or under review: Veriff answers 1305. */
  | 'processing'
  /** Veriff answered 404: deleted already or never existed. */
  | 'gone'
  /** The status could not be fetched just now, so spending a delete on it would be a guess. */
  | 'statusUnavailable'
  /** Another "Delete Session" is deleting it right now. */
  | 'inFlight'
  /** The delete budget allows fewer deletes now than were asked for. */
  | 'budget'
  /** An earlier DELETE of the same batch failed in a way that makes the rest hopeless (429, 401, network). */
  | 'stopped'
  /** The user cancelled the batch before its turn. */
  | 'cancelled';

export interface NotSent<T> {
  candidate: T;
  reason: NotSentReason;
}

export interface DeletePlan<T> {
  /** To be sent, one after another, in this order. */
  send: T[];
  notSent: NotSent<T>[];
}

export interface PlanOptions {
  now: number;
  /** Ids another deletion is busy with. */
  inFlight?: ReadonlySet<string>;
  /** How many deletes may be spent now (the budget); all when absent. */
  available?: number;
  maxStatusAgeMs?: number;
}

/** Whether the candidate's status must be fetched (one GET, no budget) before deciding. */
export function needsStatusCheck(candidate: DeleteCandidate, now: number, maxAgeMs = DELETE_STATUS_MAX_AGE_MS): boolean {
  if (candidate.status === 'gone') {
    return false; // 404 is final: a deleted session does not come back.
  }
  return isStatusStale(candidate, now, maxAgeMs);
}

/**
 * Splits candidates into what is sent and what is not (with the reason). Duplicates are dropped
 * (the first occurrence decides). A known hopeless status wins over a stale one: a session last
 * seen processing is not sent when its status could not be re-checked either.
 */
export function planDelete<T extends DeleteCandidate>(candidates: readonly T[], options: PlanOptions): DeletePlan<T> {
  const seen = new Set<string>();
  const sendable: T[] = [];
  const notSent: NotSent<T>[] = [];
  for (const candidate of candidates) {
    if (seen.has(candidate.id)) {
      continue;
    }
    seen.add(candidate.id);
    if (options.inFlight?.has(candidate.id)) {
      notSent.push({ candidate, reason: 'inFlight' });
    } else if (candidate.status === 'gone') {
      notSent.push({ candidate, reason: 'gone' });
    } else if (candidate.status === 'submitted' || candidate.status === 'review') {
      notSent.push({ candidate, reason: 'processing' });
    } else if (needsStatusCheck(candidate, options.now, options.maxStatusAgeMs)) {
      notSent.push({ candidate, reason: 'statusUnavailable' });
    } else {
      sendable.push(candidate);
    }
  }
  const available = options.available === undefined ? sendable.length : Math.max(0, Math.floor(options.available));
  const send = sendable.slice(0, available);
  for (const candidate of sendable.slice(available)) {
    notSent.push({ candidate, reason: 'budget' });
  }
  return { send, notSent };
}

type Failure = Exclude<Outcome<DeletedSession>, { kind: 'ok' }>;

/** What one DELETE's answer means for the tracked session. */
export type DeleteResult =
  /** 200: deleted; stop tracking it. */
  | { kind: 'deleted' }
  /** 404: deleted before or never existed; stop tracking it. */
  | { kind: 'alreadyGone'; outcome: Failure }
  /** 400 1305 / 1306: Veriff refused because of the session's state, which is now known. */
  | { kind: 'refused'; status: 'submitted' | 'started'; code: '1305' | '1306'; outcome: Failure }
  /** 401 / 403: the credentials (or the integration's delete feature) are the problem. */
  | { kind: 'credentials'; outcome: Failure }
  /** 429: the budget is spent at Veriff. */
  | { kind: 'rateLimited'; retryAfterMs?: number; outcome: Failure }
  /** Anything else (network, timeout, 5xx, malformed, cancelled): the session is kept, the error recorded. */
  | { kind: 'failed'; outcome: Failure }
  /**
   * A 2xx or 404 (or a refusal) whose response signature is missing or wrong: it may not come
   * from Veriff, so nothing about the session changes; it stays tracked.
   */
  | { kind: 'unverified'; http: number; signature: 'missing' | 'invalid'; outcome: Failure };

/** The failure outcome an unverifiable answer is recorded as (so rows and logs explain it). */
function unverified(http: number, signature: 'missing' | 'invalid'): Extract<DeleteResult, { kind: 'unverified' }> {
  const why = signature === 'missing' ? 'carried no X-HMAC-SIGNATURE' : 'carried a signature that does not match';
  return {
    kind: 'unverified',
    http,
    signature,
    outcome: {
      kind: 'malformed',
      http,
      signature,
      message: `Veriff's answer could not be verified: HTTP ${http} ${why}. Likely causes: a wrong shared secret for this API key, or a proxy that rewrites answers. The session stays tracked.`,
      unverified: true,
    },
  };
}

/**
 * What a DELETE's answer means. Only an answer signed with the integration's shared secret may
 * change what is known about the session: a deleted or gone session stops being tracked, so an
 * unsigned 200 or 404 (a proxy, a captive portal, a wrong API URL) must not make it vanish.
 */
export function classifyDeleteOutcome(outcome: Outcome<DeletedSession>, requestedId?: string): DeleteResult {
  switch (outcome.kind) {
    case 'ok':
      if (outcome.signature !== 'valid') {
        return unverified(outcome.http, outcome.signature);
      }
      if (requestedId !== undefined && outcome.value.id !== requestedId) {
        return {
          kind: 'failed',
          outcome: { kind: 'malformed', http: outcome.http, signature: outcome.signature, message: `Veriff answered HTTP ${outcome.http} for another session (${outcome.value.id}); nothing is assumed deleted.` },
        };
      }
      return { kind: 'deleted' };
    case 'rateLimited':
      return { kind: 'rateLimited', ...(outcome.retryAfterMs !== undefined ? { retryAfterMs: outcome.retryAfterMs } : {}), outcome };
    case 'veriffError':
      if ((outcome.http === 404 || outcome.http === 400) && outcome.signature !== 'valid' && (outcome.http === 404 || outcome.signature === 'invalid')) {
        return unverified(outcome.http, outcome.signature === 'missing' ? 'missing' : 'invalid');
      }
      if (outcome.http === 404) {
        return { kind: 'alreadyGone', outcome };
      }
      if (outcome.http === 400 && outcome.code === '1305') {
        return { kind: 'refused', status: 'submitted', code: '1305', outcome };
      }
      if (outcome.http === 400 && outcome.code === '1306') {
        return { kind: 'refused', status: 'started', code: '1306', outcome };
      }
      if (outcome.http === 401 || outcome.http === 403) {
        return { kind: 'credentials', outcome };
      }
      if (outcome.http === 429) {
        return { kind: 'rateLimited', outcome };
      }
      return { kind: 'failed', outcome };
    default:
      return { kind: 'failed', outcome };
  }
}

/**
 * Whether the rest of a batch is still sent after this answer. Per-session answers (deleted,
 * gone, refused) say nothing about the next session; anything else would most likely repeat and
 * spend a delete each time, and a DELETE is never retried automatically.
 */
export function continueAfter(result: DeleteResult): boolean {
  return result.kind === 'deleted' || result.kind === 'alreadyGone' || result.kind === 'refused';
}

/** The code recorded with a failure on a session's row: Veriff's code, else the HTTP status, else the kind. */
export function failureCode(outcome: Exclude<Outcome<unknown>, { kind: 'ok' }>): string | number {
  if ('code' in outcome && outcome.code !== undefined) {
    return outcome.code;
  }
  if ('http' in outcome) {
    return outcome.http;
  }
  if (outcome.kind === 'network' && outcome.causeCode) {
    return outcome.causeCode;
  }
  return outcome.kind;
}
