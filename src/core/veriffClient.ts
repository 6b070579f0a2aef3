import { performance } from 'node:perf_hooks';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { Dispatcher } from 'undici';
import { apiBasePath, normaliseApiUrl } from './apiUrl';
import { Clock, systemClock } from './clock';
import { normaliseSessionId } from './ids';
import { redact } from './mask';
import { sign, signedPayload } from './signing';
import { SessionStatus, isVeriffStatus } from './status';
import { MAX_VENDOR_DATA_LENGTH } from './veriffLimits';
import { interpretAnswer } from './http/answer';
import { DispatcherLease, acquireDispatcher } from './http/dispatcher';
import { MAX_RESPONSE_MIB, exchange } from './http/exchange';
import { errorCode, errorMessage, isTimeoutError } from './http/networkErrors';
import type { Attempt, CreatedSession, Decision, DeletedSession, Outcome, PatchedSession, ApiCallLogEntry } from './http/outcomes';
import { ProxyChoice, ProxySettings, chooseProxy } from './http/proxy';
import { isRetryable, sleep } from './http/retry';
import { ShapeParser, latestAttempt, parseAttempts, parseCreated, parseDecision, parseDeleted, parsePatched } from './http/response';

export type { ApiCallLogEntry, Attempt, CreatedSession, Decision, DeletedSession, Outcome, OutcomeKind, PatchedSession, ResponseSignature } from './http/outcomes';
export type { ProxySettings } from './http/proxy';
export { formatLogLine } from './http/logLine';
export { closeAllDispatchers } from './http/dispatcher';
export { MAX_VENDOR_DATA_LENGTH } from './veriffLimits';

export interface VeriffClientOptions {
  /** The integration's API URL, e.g. https://stationapi.veriff.com (http:// only for loopback). */
  apiUrl: string;
  apiKey: string;
  sharedSecret: string;
  /** Per attempt: connect, headers and body each, and the whole attempt. Default 15 000. */
  timeoutMs?: number;
  /** VS Code `http.proxy` / `http.proxyStrictSSL` / `http.noProxy`; the setting wins over the environment. */
  proxy?: ProxySettings;
  /** Where HTTPS_PROXY / HTTP_PROXY / NO_PROXY (or lowercase) are read; default process.env. */
  env?: NodeJS.ProcessEnv;
  /** For Retry-After HTTP-dates and X-RateLimit-Reset epochs. */
  clock?: Clock;
  /** Called once per attempt; entries never hold the key, the secret or a signature. */
  onRequestLog?: (entry: ApiCallLogEntry) => void;
  /** Pauses before each GET retry (ms); its length is the number of retries. Default [200, 800]. */
  getRetryDelays?: () => readonly number[];
}

export interface CallOptions {
  signal?: AbortSignal;
}

export interface CreateSessionInput {
  vendorData?: string;
  /** https only */
  callback?: string;
}

export const DEFAULT_TIMEOUT_MS = 15_000;
export const DEFAULT_GET_RETRY_DELAYS: readonly number[] = [200, 800];

type Failure = Exclude<Outcome<never>, { kind: 'ok' }>;

interface RequestSpec<T> {
  method: 'GET' | 'DELETE' | 'POST' | 'PATCH';
  path: string;
  sessionId?: string;
  body?: string;
  /** Retried automatically on network errors and 5xx. Only GETs: a DELETE may cost budget. */
  idempotent: boolean;
  parse: ShapeParser<T>;
}

/**
 * Veriff's session API over undici, loaded on the first request. Methods never throw: they
 * return an Outcome. DELETE/POST/PATCH are never retried; GETs retry on network errors and 5xx.
 */
export class VeriffClient {
  private readonly origin: string;
  private readonly basePath: string;
  private readonly apiKey: string;
  private readonly sharedSecret: string;
  private readonly timeoutMs: number;
  private readonly proxy: ProxyChoice | undefined;
  private readonly strictSSL: boolean;
  private readonly clock: Clock;
  private readonly onRequestLog?: (entry: ApiCallLogEntry) => void;
  private readonly getRetryDelays: () => readonly number[];
  private readonly proxyPassword: string | undefined;
  private lease: DispatcherLease | undefined;

  constructor(opts: VeriffClientOptions) {
    const url = normaliseApiUrl(opts.apiUrl);
    this.origin = url.origin;
    this.basePath = apiBasePath(url);
    this.apiKey = opts.apiKey.trim();
    this.sharedSecret = opts.sharedSecret;
    const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    if (!(Number.isFinite(timeoutMs) && timeoutMs > 0)) {
      throw new Error(`timeoutMs must be a positive number of milliseconds (got ${timeoutMs}).`);
    }
    this.timeoutMs = timeoutMs;
    this.proxy = chooseProxy(url, opts.proxy, opts.env ?? process.env);
    this.proxyPassword = this.proxy ? safeDecode(new URL(this.proxy.url).password) || undefined : undefined;
    this.strictSSL = opts.proxy?.strictSSL ?? true;
    this.clock = opts.clock ?? systemClock;
    this.onRequestLog = opts.onRequestLog;
    this.getRetryDelays = opts.getRetryDelays ?? (() => DEFAULT_GET_RETRY_DELAYS);
  }

  /** The proxy requests go through, without credentials; undefined for a direct connection. */
  get proxyInUse(): string | undefined {
    return this.proxy?.display;
  }

  /** DELETE /v1/sessions/{id}. Never retried: every attempt may spend delete budget. */
  deleteSession(id: string, opts: CallOptions = {}): Promise<Outcome<DeletedSession>> {
    return this.withSessionId(id, (sid) =>
      this.call({ method: 'DELETE', path: `/v1/sessions/${sid}`, sessionId: sid, idempotent: false, parse: parseDeleted(sid) }, opts),
    );
  }

  /** GET /v1/sessions/{id}/decision; `verification` is null until Veriff has decided. */
  getDecision(id: string, opts: CallOptions = {}): Promise<Outcome<Decision>> {
    return this.withSessionId(id, (sid) =>
      this.call({ method: 'GET', path: `/v1/sessions/${sid}/decision`, sessionId: sid, idempotent: true, parse: parseDecision }, opts),
    );
  }

  /** GET /v1/sessions/{id}/attempts. */
  getAttempts(id: string, opts: CallOptions = {}): Promise<Outcome<Attempt[]>> {
    return this.withSessionId(id, (sid) =>
      this.call({ method: 'GET', path: `/v1/sessions/${sid}/attempts`, sessionId: sid, idempotent: true, parse: parseAttempts }, opts),
    );
  }

  /**
   * The session's current status: the decision when there is one, else the latest attempt's
   * status (no attempts: `created`). A 404 from Veriff (JSON, so really Veriff) is `gone`;
   * a status Veriff adds later is `unknown`.
   */
  async getStatus(id: string, opts: CallOptions = {}): Promise<Outcome<SessionStatus>> {
    const decision = await this.getDecision(id, opts);
    if (decision.kind !== 'ok') {
      return goneOr(decision);
    }
    const verification = decision.value.verification;
    if (verification) {
      return { kind: 'ok', value: toSessionStatus(verification.status), http: decision.http, signature: decision.signature };
    }
    const attempts = await this.getAttempts(id, opts);
    if (attempts.kind !== 'ok') {
      return goneOr(attempts);
    }
    const latest = latestAttempt(attempts.value);
    return {
      kind: 'ok',
      value: latest ? toSessionStatus(latest.status) : 'created',
      http: attempts.http,
      signature: attempts.signature,
    };
  }

  /** POST /v1/sessions. Not retried (a retry could create a second session). */
  async createSession(input: CreateSessionInput = {}, opts: CallOptions = {}): Promise<Outcome<CreatedSession>> {
    const verification: Record<string, unknown> = {};
    if (input.callback !== undefined) {
      if (!isHttpsUrl(input.callback)) {
        return { kind: 'invalidInput', message: 'The callback URL must be an https:// URL.' };
      }
      verification.callback = input.callback;
    }
    if (input.vendorData !== undefined) {
      if (typeof input.vendorData !== 'string' || input.vendorData.length > MAX_VENDOR_DATA_LENGTH) {
        return { kind: 'invalidInput', message: `vendorData must be a string of at most ${MAX_VENDOR_DATA_LENGTH} characters.` };
      }
      verification.vendorData = input.vendorData;
    }
    const body = JSON.stringify({ verification });
    return this.call({ method: 'POST', path: '/v1/sessions', body, idempotent: false, parse: parseCreated }, opts);
  }

  /** PATCH /v1/sessions/{id} with status `submitted` (the only status the API lets a client set). */
  patchSessionStatus(id: string, status: 'submitted', opts: CallOptions = {}): Promise<Outcome<PatchedSession>> {
    if (status !== 'submitted') {
      return Promise.resolve({ kind: 'invalidInput', message: 'Only "submitted" can be set through the API.' });
    }
    return this.withSessionId(id, (sid) => {
      const body = JSON.stringify({ verification: { status } });
      return this.call({ method: 'PATCH', path: `/v1/sessions/${sid}`, sessionId: sid, body, idempotent: false, parse: parsePatched(sid) }, opts);
    });
  }

  /** Gives back this client's share of the connection pool; a later request takes a new one. */
  async close(): Promise<void> {
    const lease = this.lease;
    this.lease = undefined;
    await lease?.release();
  }

  private withSessionId<T>(raw: string, then: (id: string) => Promise<Outcome<T>>): Promise<Outcome<T>> {
    const id = typeof raw === 'string' ? normaliseSessionId(raw) : undefined;
    if (!id) {
      return Promise.resolve({ kind: 'invalidInput', message: 'The session id is not a UUID; nothing was sent.' });
    }
    // A UUID-shaped key or secret taken for a session (tracked by an earlier version) must not travel in a URL.
    if (id === this.apiKey.toLowerCase() || id === this.sharedSecret.trim().toLowerCase()) {
      return Promise.resolve({ kind: 'invalidInput', message: "The session id is this integration's API key or shared secret, not a session; nothing was sent." });
    }
    return then(id);
  }

  private dispatcher(): Dispatcher {
    if (!this.lease) {
      this.lease = acquireDispatcher({ origin: this.origin, proxy: this.proxy, strictSSL: this.strictSSL, connectTimeoutMs: this.timeoutMs });
    }
    return this.lease.dispatcher;
  }

  private async call<T>(spec: RequestSpec<T>, opts: CallOptions): Promise<Outcome<T>> {
    const delays = spec.idempotent ? this.getRetryDelays() : [];
    for (let attempt = 1; ; attempt++) {
      const outcome = await this.attempt(spec, opts.signal, attempt);
      const delay = delays[attempt - 1];
      if (delay === undefined || !isRetryable(outcome)) {
        return outcome;
      }
      if (!(await sleep(delay, opts.signal))) {
        return { kind: 'cancelled' };
      }
    }
  }

  private async attempt<T>(spec: RequestSpec<T>, signal: AbortSignal | undefined, attempt: number): Promise<Outcome<T>> {
    if (signal?.aborted) {
      return { kind: 'cancelled', notSent: true };
    }
    const started = performance.now();
    const outcome = await this.exchange(spec, signal);
    this.log(spec, outcome, performance.now() - started, attempt);
    return outcome;
  }

  private async exchange<T>(spec: RequestSpec<T>, signal: AbortSignal | undefined): Promise<Outcome<T>> {
    const bodyBytes = spec.body === undefined ? undefined : Buffer.from(spec.body, 'utf8');
    // Sign exactly the bytes that are sent (the body for POST/PATCH, the id for GET/DELETE).
    const payload = bodyBytes ?? signedPayload(spec.method, spec.sessionId, undefined);
    const signature = sign(payload, this.sharedSecret);
    const clean = (text: string): string => this.clean(text, signature);
    const headers: Record<string, string> = {
      accept: 'application/json',
      'content-type': 'application/json',
      'x-hmac-signature': signature,
    };
    if (this.apiKey) {
      headers['x-auth-client'] = this.apiKey;
    }

    let dispatcher: Dispatcher;
    try {
      dispatcher = this.dispatcher();
    } catch (err) {
      return { kind: 'network', message: `The connection could not be set up: ${clean(errorMessage(err))}`, notSent: true };
    }
    const answer = await exchange(dispatcher, {
      origin: this.origin,
      path: this.basePath + spec.path,
      method: spec.method,
      headers,
      body: bodyBytes,
      timeoutMs: this.timeoutMs,
      signal,
    });
    if (answer.kind === 'failed') {
      if (answer.status === undefined || answer.stopped || isTimeoutError(answer.error)) {
        return this.failure(answer.error, spec, answer.stopped, clean);
      }
      return {
        kind: 'malformed',
        http: answer.status,
        message: `The answer (HTTP ${answer.status}) was cut off: ${clean(errorMessage(answer.error))}`,
        signature: 'missing',
      };
    }
    if (answer.kind === 'tooLarge') {
      // Nothing from it is trusted or acted on (not even a 2xx): the request's effect is unknown.
      return {
        kind: 'malformed',
        http: answer.status,
        message: `The answer (HTTP ${answer.status}) is too large: more than ${MAX_RESPONSE_MIB} MiB, which no Veriff answer is. Reading stopped; nothing was changed.`,
        signature: 'missing',
        tooLarge: true,
      };
    }
    // undici frees the connection a moment after the body ends; yielding once lets the next
    // sequential request reuse it instead of the pool opening a second connection.
    await yieldToEventLoop();
    return interpretAnswer(spec, answer.status, answer.headers, answer.body, this.sharedSecret, this.clock.now(), clean);
  }

  private failure(err: unknown, spec: RequestSpec<unknown>, why: 'cancelled' | 'timeout' | undefined, clean: (text: string) => string): Failure {
    if (why === 'cancelled') {
      return { kind: 'cancelled' };
    }
    if (why === 'timeout' || isTimeoutError(err)) {
      const seconds = Math.round(this.timeoutMs / 100) / 10;
      const maybe =
        spec.method === 'GET' ? '' : ' Veriff may still have processed the request: refresh the session status before trying again.';
      return { kind: 'timeout', message: `No answer from Veriff within ${seconds} s.${maybe}` };
    }
    const causeCode = errorCode(err);
    return {
      kind: 'network',
      message: clean(errorMessage(err)) || 'The connection failed.',
      ...(causeCode !== undefined ? { causeCode } : {}),
    };
  }

  private log(spec: RequestSpec<unknown>, outcome: Outcome<unknown>, durationMs: number, attempt: number): void {
    if (!this.onRequestLog) {
      return;
    }
    const entry: ApiCallLogEntry = {
      method: spec.method,
      path: spec.path,
      durationMs: Math.round(durationMs * 10) / 10,
      signature: 'signature' in outcome ? outcome.signature : 'n/a',
      outcome: outcome.kind,
      attempt,
    };
    if ('http' in outcome) entry.http = outcome.http;
    if ('code' in outcome && outcome.code !== undefined) entry.code = outcome.code;
    if (outcome.kind === 'network' && outcome.causeCode) entry.code = outcome.causeCode;
    if ('message' in outcome) entry.message = this.clean(outcome.message);
    if (this.proxy) entry.proxy = this.proxy.display;
    try {
      this.onRequestLog(entry);
    } catch {
      // A failing logger must not change the outcome of a request that has already happened.
    }
  }

  /** Strips anything secret from text that came from the network or from error objects. */
  private clean(text: string, requestSignature?: string): string {
    return redact(text, [this.apiKey, this.sharedSecret, this.proxy?.url, this.proxyPassword, requestSignature]);
  }
}

function goneOr(outcome: Failure): Outcome<SessionStatus> {
  if (outcome.kind === 'veriffError' && outcome.http === 404) {
    return { kind: 'ok', value: 'gone', http: 404, signature: outcome.signature };
  }
  return outcome;
}

function toSessionStatus(status: string): SessionStatus {
  const s = status.trim().toLowerCase();
  return isVeriffStatus(s) ? s : 'unknown';
}

function isHttpsUrl(value: string): boolean {
  try {
    return new URL(value).protocol === 'https:';
  } catch {
    return false;
  }
}

/** A password with a stray `%` is not URI-encoded: use it as written rather than fail to build the client. */
function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
