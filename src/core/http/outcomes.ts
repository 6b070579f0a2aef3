import type { ErrorExplanation } from '../errors';

/** What the response's X-HMAC-SIGNATURE said about the raw response body. */
export type ResponseSignature = 'valid' | 'missing' | 'invalid';

/**
 * Every way a Veriff call can end. Client methods never throw; they return one of these.
 * `http` is the status Veriff (or something in between) answered with, when there was an answer.
 */
export type Outcome<T> =
  | { kind: 'ok'; value: T; http: number; signature: ResponseSignature }
  | {
      kind: 'veriffError';
      http: number;
      /** Veriff's body `code`, normalised to a string (it may arrive as a number). */
      code?: string;
      message: string;
      explanation: ErrorExplanation;
      signature: ResponseSignature;
    }
  | {
      kind: 'rateLimited';
      http: 429;
      code?: string;
      message: string;
      /** From Retry-After (seconds or HTTP-date), else X-RateLimit-Reset; undefined when neither came. */
      retryAfterMs?: number;
      explanation: ErrorExplanation;
      signature: ResponseSignature;
    }
  | {
      kind: 'network';
      message: string;
      /** e.g. ECONNREFUSED, UND_ERR_SOCKET */ causeCode?: string;
      /** The request never left: the connection could not even be set up (e.g. a bad proxy URL). */
      notSent?: true;
    }
  | { kind: 'timeout'; message: string }
  | { kind: 'cancelled'; /** Cancelled before anything was sent. */ notSent?: true }
  /**
   * An answer came but is unusable: not JSON, HTML, cut off, not the documented shape, or (with
   * `tooLarge`) larger than any Veriff answer, so it was not read to the end. `unverified`: its
   * signature was missing or wrong (see classifyDeleteOutcome).
   */
  | { kind: 'malformed'; http: number; message: string; signature: ResponseSignature; tooLarge?: true; unverified?: true }
  /** Refused before sending anything (e.g. the session id is not a UUID). */
  | { kind: 'invalidInput'; message: string };

export type OutcomeKind = Outcome<unknown>['kind'];

/** One API call as the client logs it (one per attempt). Never holds the API key, the shared secret or any signature. */
export interface ApiCallLogEntry {
  method: string;
  /** e.g. /v1/sessions/<id>/decision */
  path: string;
  http?: number;
  code?: string;
  message?: string;
  durationMs: number;
  signature: ResponseSignature | 'n/a';
  outcome: OutcomeKind;
  /** 1 for the first try; GET retries count up. */
  attempt: number;
  /** Proxy the request went through, without credentials (e.g. http://proxy.corp:3128). */
  proxy?: string;
}

/** POST /v1/sessions answer. `sessionToken` is not logged. */
export interface CreatedSession {
  id: string;
  url: string;
  status: string;
  vendorData?: string;
  host?: string;
  sessionToken?: string;
}

/** GET /v1/sessions/{id}/decision: `verification` is null until a decision exists. */
export interface Decision {
  verification: null | {
    id?: string;
    status: string;
    code?: number;
    reason?: string | null;
    reasonCode?: number | null;
    decisionTime?: string | null;
  };
}

export interface Attempt {
  id: string;
  status: string;
  createdTime?: string;
}

export interface DeletedSession {
  id: string;
}

export interface PatchedSession {
  id: string;
  status: string;
}
