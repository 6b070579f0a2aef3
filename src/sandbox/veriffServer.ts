import { IncomingMessage, Server, ServerResponse, createServer } from 'node:http';
import type { Socket } from 'node:net';
import { Clock, ManualClock } from '../core/clock';
import { isUuid, normaliseSessionId } from '../core/ids';
import { sign, verifySignature } from '../core/signing';
import { isRecord } from '../core/stateIssues';
import { VeriffStatus, isVeriffStatus } from '../core/status';
import { DECISION_STATUSES, SandboxIntegration, SandboxSession, SandboxState, SessionSeed } from './sandboxState';

/** Largest request body the server reads; larger bodies get 413. */
export const MAX_BODY_BYTES = 1024 * 1024;
export const MAX_VENDOR_DATA_LENGTH = 1000;

/**
 * A failure the server plays instead of (or on top of) its normal answer, for testing clients.
 * - `http500`: 500 `{status:'fail', code:1101, message:'Something went wrong'}`; the request is not processed.
 * - `drop`: the socket is destroyed without an answer; the request is not processed.
 * - `malformedJson`: 200 with a truncated, signed JSON body; the request is not processed.
 * - `html`: 502 text/html page as a proxy would send; the request is not processed.
 * - `missingSignature` / `wrongSignature`: the request is processed normally and answered
 *   without `X-HMAC-SIGNATURE` / with a wrong one.
 * - `{kind:'delay', ms}`: the request waits `ms` real milliseconds (or until `releaseDelays()`),
 *   then is processed normally.
 * - `{kind:'status', status, body, headers}`: an arbitrary answer (a string body is sent as is,
 *   anything else as JSON, signed when the API key is known); the request is not processed.
 * - `{kind:'largeBody', bytes, status?, contentLength?}`: a JSON answer of `bytes` bytes (status
 *   200 by default), streamed without building it in memory, with a Content-Length header only
 *   when `contentLength` is true; the request is not processed. The log entry's `bytesSent` says
 *   how much was written before the client stopped reading.
 */
export type SandboxFault =
  | 'http500'
  | 'drop'
  | 'malformedJson'
  | 'html'
  | 'missingSignature'
  | 'wrongSignature'
  | { kind: 'delay'; ms: number }
  | { kind: 'status'; status: number; body?: unknown; headers?: Record<string, string> }
  | { kind: 'largeBody'; bytes: number; status?: number; contentLength?: boolean };

export type SandboxFaultKind = Exclude<SandboxFault, object> | Extract<SandboxFault, object>['kind'];

export interface FaultOptions {
  /** How many matching requests the fault applies to: default 1, `Infinity` for all. */
  times?: number;
  /** Only requests with this HTTP method (any case). */
  method?: string;
  /** Only requests whose path (with query) contains this text. */
  pathIncludes?: string;
}

/** One API request as the server saw and answered it. It holds the API key and signature as sent. */
export interface RequestLogEntry {
  /** Arrival time on the server's clock (epoch ms). */
  at: number;
  method: string;
  /** Path with query string, as sent. */
  path: string;
  apiKey?: string;
  signature?: string;
  body: string;
  /** HTTP status answered; 0 when the connection was dropped without an answer. */
  status: number;
  /** The `code` of the answered JSON body, when it has one. */
  code?: number | string;
  /** The fault that shaped this answer, if any. */
  fault?: SandboxFaultKind;
  /** Body bytes written for a `largeBody` fault before the answer ended or the client went away. */
  bytesSent?: number;
}

export interface VeriffServerOptions {
  /** Port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /** How many requests the log keeps (default MAX_LOGGED_REQUESTS). */
  maxLoggedRequests?: number;
  /** Clock for the rate limiter and timestamps; must be the state's clock when both are given. */
  clock?: Clock;
  state?: SandboxState;
  /**
   * Expose the unauthenticated JSON test API (loopback clients only). Off by default.
   * - `GET /__control/requests` → `{requests}` (the request log)
   * - `POST /__control/reset` (sessions, delete history, faults and log; integrations stay)
   * - `POST /__control/integrations` `{apiKey, sharedSecret, deleteEnabled?}` → 201
   * - `POST /__control/sessions` `{apiKey, status?, vendorData?, id?, inFlow?}` → 201 `{session}`
   * - `POST /__control/sessions/{id}/status` `{status?, inFlow?}` → `{session}`
   * - `POST /__control/clock/advance` `{ms}` → `{now}`; 409 unless the clock is a `ManualClock`
   * - `POST /__control/faults` `{fault, times?, method?, pathIncludes?}` → 201 (`times: null` or `"Infinity"` = forever)
   * - `DELETE /__control/faults` clears queued faults
   * Bad input answers 400 `{error}`, unknown endpoints 404 `{error}`.
   */
  controlApi?: boolean;
}

interface Reply {
  status: number;
  body: string;
  contentType: string;
  headers?: Record<string, string>;
  /** Signs the answer with this integration's secret. */
  integration?: SandboxIntegration;
}

interface QueuedFault {
  fault: SandboxFault;
  remaining: number;
  method?: string;
  pathIncludes?: string;
}

interface ApiRequest {
  method: string;
  pathname: string;
  raw: Buffer;
  apiKey?: string;
  signature?: string;
}

type Auth = { ok: true; integration: SandboxIntegration } | { ok: false; reply: Reply };

const JSON_TYPE = 'application/json; charset=utf-8';
const HTML_TYPE = 'text/html; charset=utf-8';
const NOT_DELETABLE: ReadonlySet<VeriffStatus> = new Set<VeriffStatus>(['submitted', 'review']);
const DECISION_CODES: Partial<Record<VeriffStatus, number>> = {
  approved: 9001,
  declined: 9102,
  resubmission_requested: 9103,
  expired: 9104,
  abandoned: 9104,
};
const PROXY_ERROR_PAGE =
  '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n';
const TRUNCATED_JSON = '{"status":"success","verification":{"id":"';
const SIMPLE_FAULTS: readonly string[] = ['http500', 'drop', 'malformedJson', 'html', 'missingSignature', 'wrongSignature'];
const SESSION_PATH = /^\/v1\/sessions\/([^/]+)(?:\/(decision|attempts))?$/;

/** How many requests the log keeps (the oldest go first). */
export const MAX_LOGGED_REQUESTS = 5000;

/**
 * A Veriff-compatible HTTP API (shared/veriff-api.md) on 127.0.0.1, built on `node:http`.
 * Serves `POST /v1/sessions`, `PATCH|DELETE /v1/sessions/{id}` and
 * `GET /v1/sessions/{id}/decision|attempts` with Veriff's HMAC authentication, error codes and
 * DELETE rate limit; signs every answer to a known integration. Used as the tests' mock and as
 * the extension's local sandbox.
 */
export class VeriffServer {
  readonly state: SandboxState;
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private readonly log: RequestLogEntry[] = [];
  private faults: QueuedFault[] = [];
  /** Each waiting `delay`: cancel (the server closes) → release (answer now). */
  private readonly pendingDelays = new Map<() => void, () => void>();
  private boundPort = 0;
  private closing: Promise<void> | undefined;

  private constructor(
    state: SandboxState,
    private readonly controlApi: boolean,
    private readonly maxLogged: number,
  ) {
    this.state = state;
    this.server = createServer((req, res) => {
      this.handle(req, res).catch(() => this.failUnexpectedly(res));
    });
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  /** Starts a server listening on 127.0.0.1 only. Rejects when the port is taken. */
  static async start(opts: VeriffServerOptions = {}): Promise<VeriffServer> {
    if (opts.state && opts.clock && opts.state.clock !== opts.clock) {
      throw new Error('Pass the clock through the SandboxState when giving both.');
    }
    const state = opts.state ?? new SandboxState({ clock: opts.clock });
    const server = new VeriffServer(state, opts.controlApi ?? false, opts.maxLoggedRequests ?? MAX_LOGGED_REQUESTS);
    await server.listen(opts.port ?? 0);
    return server;
  }

  /** `http://127.0.0.1:PORT`, the API URL a client uses (requests go to `${url}/v1/...`). */
  get url(): string {
    return `http://127.0.0.1:${this.boundPort}`;
  }

  get port(): number {
    return this.boundPort;
  }

  /** Keeps the request log bounded: a sandbox running for days must not grow without limit. */
  private remember(entry: RequestLogEntry): void {
    this.log.push(entry);
    if (this.log.length > this.maxLogged) {
      this.log.splice(0, this.log.length - this.maxLogged);
    }
  }

  /** Copy of the request log (the latest `maxLoggedRequests`), oldest answer first. Control-API and `/v/` page requests are not logged. */
  get requests(): RequestLogEntry[] {
    return this.log.map((entry) => ({ ...entry }));
  }

  /** The logged `DELETE /v1/sessions/{id}` requests, of one API key or all. */
  deleteRequests(apiKey?: string): RequestLogEntry[] {
    return this.requests.filter(
      (e) => e.method === 'DELETE' && e.path.startsWith('/v1/sessions/') && (apiKey === undefined || e.apiKey === apiKey),
    );
  }

  addIntegration(apiKey: string, sharedSecret: string, opts: { deleteEnabled?: boolean } = {}): SandboxIntegration {
    return this.state.addIntegration(apiKey, sharedSecret, opts);
  }

  /** Creates a session for a known integration, in any status. Throws on an unknown API key. */
  seedSession(apiKey: string, seed: SessionSeed = {}): SandboxSession {
    return this.state.createSession(apiKey, seed);
  }

  setStatus(id: string, status: VeriffStatus): SandboxSession {
    return this.state.setStatus(id, status);
  }

  setInFlow(id: string, inFlow: boolean): SandboxSession {
    return this.state.setInFlow(id, inFlow);
  }

  /** Queues a fault for the next matching API requests. Faults apply in injection order, one per request. */
  injectFault(fault: SandboxFault, opts: FaultOptions = {}): void {
    const times = opts.times ?? 1;
    if (!(times === Infinity || (Number.isInteger(times) && times > 0))) {
      throw new Error('Fault times must be a positive integer or Infinity.');
    }
    if (!isFault(fault)) {
      throw new Error('Unknown fault.');
    }
    this.faults.push({ fault, remaining: times, method: opts.method?.toUpperCase(), pathIncludes: opts.pathIncludes });
  }

  clearFaults(): void {
    this.faults = [];
  }

  /** Requests waiting in a `delay` fault right now. */
  get delayedRequests(): number {
    return this.pendingDelays.size;
  }

  /**
   * Ends every waiting `delay` now: those requests are processed and answered at once. With a long
   * delay, a test steps a slow Veriff forward itself instead of racing its clock. Returns how many.
   */
  releaseDelays(): number {
    const releases = [...this.pendingDelays.values()];
    releases.forEach((release) => release());
    return releases.length;
  }

  /** Forgets sessions, delete history, faults and the request log; integrations stay. */
  reset(): void {
    this.state.reset();
    this.clearFaults();
    this.log.length = 0;
  }

  /** Stops listening and destroys open sockets, so the port is free when this resolves. */
  close(): Promise<void> {
    if (!this.closing) {
      for (const cancel of [...this.pendingDelays.keys()]) {
        cancel();
      }
      this.closing = new Promise<void>((resolve) => {
        this.server.close(() => resolve());
        this.server.closeAllConnections();
        for (const socket of this.sockets) {
          socket.destroy();
        }
      });
    }
    return this.closing;
  }

  private listen(port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error): void => reject(err);
      this.server.once('error', onError);
      this.server.listen(port, '127.0.0.1', () => {
        this.server.off('error', onError);
        const address = this.server.address();
        this.boundPort = typeof address === 'object' && address ? address.port : port;
        resolve();
      });
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const at = this.state.clock.now();
    const method = (req.method ?? 'GET').toUpperCase();
    const path = req.url ?? '/';
    const query = path.indexOf('?');
    const pathname = query < 0 ? path : path.slice(0, query);

    // DNS rebinding: a web page whose own name now resolves to 127.0.0.1 can reach this port, but
    // its requests carry that name in Host. Only requests addressed to this server are answered.
    if (!this.isOwnHost(req.headers.host)) {
      req.resume();
      this.send(
        res,
        {
          ...json(421, {
            status: 'fail',
            code: 1101,
            message: `Misdirected request: this Veriff sandbox answers only requests addressed to Host 127.0.0.1:${this.boundPort} or localhost:${this.boundPort}.`,
          }),
          headers: { Connection: 'close' },
        },
        'signed',
      );
      return;
    }

    if (this.controlApi && pathname.startsWith('/__control/')) {
      await this.handleControl(req, res, method, pathname);
      return;
    }
    if (method === 'GET' && pathname.startsWith('/v/')) {
      this.send(res, this.verificationPage(pathname.slice(3)), 'signed');
      return;
    }

    const { body: raw, tooLarge } = await readBody(req);
    const apiKey = headerValue(req, 'x-auth-client');
    const signature = headerValue(req, 'x-hmac-signature');
    const entry: RequestLogEntry = { at, method, path, body: tooLarge ? '' : raw.toString('utf8'), status: 0 };
    if (apiKey !== undefined) entry.apiKey = apiKey;
    if (signature !== undefined) entry.signature = signature;
    const knownIntegration = apiKey ? this.state.getIntegration(apiKey) : undefined;

    const fault = this.takeFault(method, path);
    if (fault) {
      entry.fault = typeof fault === 'string' ? fault : fault.kind;
    }
    if (typeof fault === 'object' && fault.kind === 'delay') {
      const finished = await this.delay(fault.ms);
      if (!finished) {
        return;
      }
    }
    if (fault === 'drop') {
      this.remember(entry);
      req.socket.destroy();
      return;
    }
    if (typeof fault === 'object' && fault.kind === 'largeBody') {
      entry.status = fault.status ?? 200;
      entry.bytesSent = 0;
      this.remember(entry);
      await streamLargeBody(res, fault, entry);
      return;
    }

    let reply = fault ? faultReply(fault, knownIntegration) : undefined;
    if (!reply) {
      reply = tooLarge
        ? { ...fail(413, 1104, 'Request body too large.', knownIntegration), headers: { Connection: 'close' } }
        : this.route({ method, pathname, raw, apiKey, signature });
    }
    const signing = fault === 'missingSignature' ? 'missing' : fault === 'wrongSignature' ? 'wrong' : 'signed';
    entry.status = reply.status;
    const code = bodyCode(reply);
    if (code !== undefined) entry.code = code;
    this.remember(entry);
    this.send(res, reply, signing);
  }

  /** `127.0.0.1:PORT` or `localhost:PORT`, any case: the names this server is reached by. */
  private isOwnHost(host: string | undefined): boolean {
    const h = (host ?? '').trim().toLowerCase();
    return h === `127.0.0.1:${this.boundPort}` || h === `localhost:${this.boundPort}`;
  }

  private route(req: ApiRequest): Reply {
    if (req.pathname === '/v1/sessions') {
      return req.method === 'POST' ? this.createSession(req) : notFound(this.integrationOf(req));
    }
    const match = SESSION_PATH.exec(req.pathname);
    if (!match) {
      return notFound(this.integrationOf(req));
    }
    const rawId = safeDecode(match[1]);
    const action = `${req.method} ${match[2] ?? ''}`;
    switch (action) {
      case 'GET decision':
        return this.withSession(req, rawId, (s, i) => ok(decisionBody(s), i));
      case 'GET attempts':
        return this.withSession(req, rawId, (s, i) => ok(attemptsBody(s), i));
      case 'PATCH ':
        return this.patchSession(req, rawId);
      case 'DELETE ':
        return this.deleteSession(req, rawId);
      default:
        return notFound(this.integrationOf(req));
    }
  }

  private createSession(req: ApiRequest): Reply {
    const auth = this.authenticate(req, req.raw, true);
    if (!auth.ok) return auth.reply;
    const integration = auth.integration;
    const parsed = parseJson(req.raw);
    if (!parsed.ok) {
      return fail(400, 1104, 'Request body is not valid JSON.', integration);
    }
    const verification = isRecord(parsed.value) ? parsed.value.verification : undefined;
    if (!isRecord(verification)) {
      return fail(400, 1102, 'Mandatory parameters are missing from the request.', integration);
    }
    const { callback, vendorData, endUserId, person, document } = verification;
    if (callback !== undefined && callback !== null && !isHttpsUrl(callback)) {
      return fail(400, 1302, 'Callback URL must use https.', integration);
    }
    if (vendorData !== undefined && vendorData !== null && typeof vendorData !== 'string') {
      return fail(400, 1501, 'vendorData must be a string.', integration);
    }
    if (typeof vendorData === 'string' && vendorData.length > MAX_VENDOR_DATA_LENGTH) {
      return fail(400, 1500, `vendorData is longer than ${MAX_VENDOR_DATA_LENGTH} characters.`, integration);
    }
    if (endUserId !== undefined && endUserId !== null && !(typeof endUserId === 'string' && isUuid(endUserId))) {
      return fail(400, 1104, 'endUserId must be a UUID.', integration);
    }
    for (const [name, value] of [['person', person], ['document', document]] as const) {
      if (value !== undefined && value !== null && !isRecord(value)) {
        return fail(400, 1104, `${name} must be an object.`, integration);
      }
    }
    const session = this.state.createSession(integration.apiKey, {
      vendorData: vendorData ?? null,
      endUserId: typeof endUserId === 'string' ? endUserId.toLowerCase() : null,
    });
    return json(201, { status: 'success', verification: this.sessionView(session) }, integration);
  }

  private patchSession(req: ApiRequest, rawId: string): Reply {
    return this.withSession(req, rawId, (session, integration) => {
      const parsed = parseJson(req.raw);
      if (!parsed.ok) {
        return fail(400, 1104, 'Request body is not valid JSON.', integration);
      }
      const verification = isRecord(parsed.value) ? parsed.value.verification : undefined;
      if (!isRecord(verification) || verification.status === undefined) {
        return fail(400, 1102, 'Mandatory parameters are missing from the request.', integration);
      }
      if (verification.status !== 'submitted') {
        return fail(400, 1303, 'Invalid status.', integration);
      }
      if (session.status !== 'created' && session.status !== 'started') {
        return fail(400, 1304, 'Status transition not allowed.', integration);
      }
      this.state.setStatus(session.id, 'submitted');
      const updated = this.state.setInFlow(session.id, false);
      return ok({ status: 'success', verification: this.sessionView(updated) }, integration);
    });
  }

  /** Order: authentication, feature check, rate limit (a passed check takes a slot), then the session checks. */
  private deleteSession(req: ApiRequest, rawId: string): Reply {
    const auth = this.authenticate(req, rawId, false);
    if (!auth.ok) return auth.reply;
    const integration = auth.integration;
    if (!integration.deleteEnabled) {
      return fail(403, 1301, 'Feature not enabled.', integration);
    }
    const slot = this.state.tryTakeDeleteSlot(integration.apiKey);
    if (!slot.ok) {
      const reply = fail(429, 1004, 'Too many requests.', integration);
      if (this.state.sendRetryAfter) {
        const seconds = Math.max(1, Math.ceil((slot.retryAt - this.state.clock.now()) / 1000));
        reply.headers = { 'Retry-After': String(seconds) };
      }
      return reply;
    }
    const session = this.ownedSession(rawId, integration);
    if (!session.ok) return session.reply;
    const { id, status, inFlow } = session.session;
    if (NOT_DELETABLE.has(status)) {
      return fail(400, 1305, 'Session is not in a completed status.', integration);
    }
    if (inFlow) {
      return fail(400, 1306, 'Session in progress.', integration);
    }
    this.state.deleteSession(id);
    return ok({ status: 'success', verification: { id } }, integration);
  }

  /** Authenticates (the id is the signed payload for GET, the body for PATCH) and finds the caller's session. */
  private withSession(req: ApiRequest, rawId: string, then: (session: SandboxSession, integration: SandboxIntegration) => Reply): Reply {
    const auth = this.authenticate(req, req.method === 'PATCH' ? req.raw : rawId, false);
    if (!auth.ok) return auth.reply;
    const found = this.ownedSession(rawId, auth.integration);
    return found.ok ? then(found.session, auth.integration) : found.reply;
  }

  private ownedSession(
    rawId: string,
    integration: SandboxIntegration,
  ): { ok: true; session: SandboxSession } | { ok: false; reply: Reply } {
    const id = normaliseSessionId(rawId);
    if (!id) {
      return { ok: false, reply: fail(400, 1002, 'Session id is invalid.', integration) };
    }
    const session = this.state.getSession(id);
    // Another integration's session is as unknown to the caller as a missing one.
    if (!session || session.apiKey !== integration.apiKey) {
      return { ok: false, reply: notFound(integration) };
    }
    return { ok: true, session };
  }

  private authenticate(req: ApiRequest, payload: string | Buffer, signatureOptional: boolean): Auth {
    if (!req.apiKey) {
      return {
        ok: false,
        reply: fail(401, 1101, 'Mandatory X-AUTH-CLIENT header containing the API key is missing from the request.'),
      };
    }
    const integration = this.state.getIntegration(req.apiKey);
    if (!integration) {
      return { ok: false, reply: fail(401, 1803, 'Integration not found.') };
    }
    if (signatureOptional && req.signature === undefined) {
      return { ok: true, integration };
    }
    if (!verifySignature(payload, req.signature, integration.sharedSecret)) {
      return { ok: false, reply: fail(401, 1812, 'Signature verification failed.', integration) };
    }
    return { ok: true, integration };
  }

  private integrationOf(req: ApiRequest): SandboxIntegration | undefined {
    return req.apiKey ? this.state.getIntegration(req.apiKey) : undefined;
  }

  private sessionView(session: SandboxSession): Record<string, unknown> {
    return {
      id: session.id,
      url: `${this.url}/v/${session.sessionToken}`,
      vendorData: session.vendorData,
      host: this.url,
      status: session.status,
      sessionToken: session.sessionToken,
    };
  }

  /** The page a session's `url` opens: a plain stand-in for Veriff's end-user flow. */
  private verificationPage(token: string): Reply {
    const session = this.state.listSessions().find((s) => s.sessionToken === token);
    const text = session
      ? `Veriff local sandbox: session ${session.id} is ${session.status}.`
      : 'Veriff local sandbox: no such session.';
    return {
      status: session ? 200 : 404,
      contentType: HTML_TYPE,
      body: `<!doctype html>\n<html><head><meta charset="utf-8"><title>Veriff local sandbox</title></head><body><p>${escapeHtml(text)}</p></body></html>\n`,
    };
  }

  private takeFault(method: string, path: string): SandboxFault | undefined {
    const queued = this.faults.find(
      (f) => (f.method === undefined || f.method === method) && (f.pathIncludes === undefined || path.includes(f.pathIncludes)),
    );
    if (!queued) {
      return undefined;
    }
    queued.remaining -= 1;
    if (queued.remaining <= 0) {
      this.faults = this.faults.filter((f) => f !== queued);
    }
    return queued.fault;
  }

  /** Waits real time; resolves false when the server closes first. */
  private delay(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      if (this.closing) {
        resolve(false);
        return;
      }
      const end = (finished: boolean): void => {
        clearTimeout(timer);
        this.pendingDelays.delete(cancel);
        resolve(finished);
      };
      const cancel = (): void => end(false);
      const timer = setTimeout(() => end(true), ms);
      this.pendingDelays.set(cancel, () => end(true));
    });
  }

  private send(res: ServerResponse, reply: Reply, signing: 'signed' | 'missing' | 'wrong'): void {
    if (res.destroyed || res.headersSent) {
      return;
    }
    const body = Buffer.from(reply.body, 'utf8');
    const headers: Record<string, string | number> = {
      'Content-Type': reply.contentType,
      'Content-Length': body.length,
      ...reply.headers,
    };
    if (reply.integration) {
      headers['X-AUTH-CLIENT'] = reply.integration.apiKey;
      if (signing !== 'missing') {
        const signature = sign(body, reply.integration.sharedSecret);
        headers['X-HMAC-SIGNATURE'] = signing === 'wrong' ? corrupt(signature) : signature;
      }
    }
    res.writeHead(reply.status, headers);
    res.end(body);
  }

  private failUnexpectedly(res: ServerResponse): void {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    this.send(res, fail(500, 1101, 'Something went wrong'), 'signed');
  }

  private async handleControl(req: IncomingMessage, res: ServerResponse, method: string, pathname: string): Promise<void> {
    const { body: raw, tooLarge } = await readBody(req);
    const reply = (status: number, value: unknown): void => this.send(res, json(status, value), 'signed');
    if (!isLoopback(req.socket.remoteAddress)) {
      reply(403, { error: 'The control API answers loopback clients only.' });
      return;
    }
    const parsed = tooLarge ? { ok: false as const } : raw.length === 0 ? { ok: true as const, value: {} } : parseJson(raw);
    if (!parsed.ok || !isRecord(parsed.value)) {
      reply(400, { error: 'The body must be a JSON object.' });
      return;
    }
    try {
      const result = this.control(method, pathname.slice('/__control'.length), parsed.value);
      reply(result.status, result.body);
    } catch (err) {
      reply(400, { error: err instanceof Error ? err.message : String(err) });
    }
  }

  private control(method: string, path: string, body: Record<string, unknown>): { status: number; body: unknown } {
    const statusMatch = /^\/sessions\/([^/]+)\/status$/.exec(path);
    if (method === 'POST' && statusMatch) {
      const id = safeDecode(statusMatch[1]);
      if (!this.state.getSession(id)) {
        return { status: 404, body: { error: 'No such session.' } };
      }
      if (body.status !== undefined) {
        this.state.setStatus(id, requireStatus(body.status));
      }
      if (body.inFlow !== undefined) {
        this.state.setInFlow(id, requireBoolean(body.inFlow, 'inFlow'));
      }
      return { status: 200, body: { session: this.state.getSession(id) } };
    }
    switch (`${method} ${path}`) {
      case 'GET /requests':
        return { status: 200, body: { requests: this.requests } };
      case 'POST /reset':
        this.reset();
        return { status: 200, body: { ok: true } };
      case 'POST /sessions': {
        const seed: SessionSeed = {};
        if (body.status !== undefined) seed.status = requireStatus(body.status);
        if (body.vendorData !== undefined) seed.vendorData = optionalString(body.vendorData, 'vendorData');
        if (body.id !== undefined) seed.id = optionalString(body.id, 'id') ?? undefined;
        if (body.inFlow !== undefined) seed.inFlow = requireBoolean(body.inFlow, 'inFlow');
        const session = this.seedSession(requireString(body.apiKey, 'apiKey'), seed);
        return { status: 201, body: { session } };
      }
      case 'POST /clock/advance': {
        const clock = this.state.clock;
        if (!(clock instanceof ManualClock)) {
          return { status: 409, body: { error: 'The server runs on the system clock.' } };
        }
        if (typeof body.ms !== 'number' || !Number.isFinite(body.ms)) {
          throw new Error('ms must be a finite number.');
        }
        clock.advance(body.ms);
        return { status: 200, body: { now: clock.now() } };
      }
      case 'POST /faults': {
        const times = body.times === 'Infinity' || body.times === null ? Infinity : body.times;
        this.injectFault(body.fault as SandboxFault, {
          times: times === undefined ? undefined : (times as number),
          method: body.method === undefined ? undefined : requireString(body.method, 'method'),
          pathIncludes: body.pathIncludes === undefined ? undefined : requireString(body.pathIncludes, 'pathIncludes'),
        });
        return { status: 201, body: { ok: true } };
      }
      case 'DELETE /faults':
        this.clearFaults();
        return { status: 200, body: { ok: true } };
      case 'POST /integrations': {
        const deleteEnabled = body.deleteEnabled === undefined ? undefined : requireBoolean(body.deleteEnabled, 'deleteEnabled');
        const integration = this.addIntegration(requireString(body.apiKey, 'apiKey'), requireString(body.sharedSecret, 'sharedSecret'), {
          deleteEnabled,
        });
        return { status: 201, body: { apiKey: integration.apiKey, deleteEnabled: integration.deleteEnabled } };
      }
      default:
        return { status: 404, body: { error: 'Unknown control endpoint.' } };
    }
  }
}

function decisionBody(session: SandboxSession): unknown {
  if (!DECISION_STATUSES.has(session.status)) {
    return { status: 'success', verification: null };
  }
  return {
    status: 'success',
    verification: {
      id: session.id,
      status: session.status,
      code: DECISION_CODES[session.status] ?? null,
      reason: null,
      reasonCode: null,
      decisionTime: new Date(session.decidedAt ?? session.createdAt).toISOString(),
      acceptanceTime: new Date(session.createdAt).toISOString(),
      vendorData: session.vendorData,
    },
  };
}

function attemptsBody(session: SandboxSession): unknown {
  return {
    status: 'success',
    verifications: session.attempts.map((a) => ({ id: a.id, status: a.status, createdTime: new Date(a.createdAt).toISOString() })),
  };
}

function faultReply(fault: SandboxFault, integration: SandboxIntegration | undefined): Reply | undefined {
  if (typeof fault === 'object') {
    if (fault.kind !== 'status') {
      return undefined;
    }
    const body = typeof fault.body === 'string' ? fault.body : JSON.stringify(fault.body ?? null);
    return { status: fault.status, body, contentType: JSON_TYPE, headers: fault.headers, integration };
  }
  switch (fault) {
    case 'http500':
      return fail(500, 1101, 'Something went wrong', integration);
    case 'malformedJson':
      return { status: 200, body: TRUNCATED_JSON, contentType: JSON_TYPE, integration };
    case 'html':
      return { status: 502, body: PROXY_ERROR_PAGE, contentType: HTML_TYPE };
    default:
      return undefined;
  }
}

const LARGE_BODY_CHUNK = 64 * 1024;

/**
 * Writes `{"status":"success","padding":"xxx…"}` of exactly `fault.bytes` bytes, chunk by chunk
 * as the client reads, and stops when the client goes away; counts what was written in `entry`.
 */
async function streamLargeBody(res: ServerResponse, fault: Extract<SandboxFault, { kind: 'largeBody' }>, entry: RequestLogEntry): Promise<void> {
  const head = '{"status":"success","padding":"';
  const tail = '"}';
  const headers: Record<string, string | number> = { 'Content-Type': JSON_TYPE };
  if (fault.contentLength) {
    headers['Content-Length'] = fault.bytes;
  }
  res.writeHead(fault.status ?? 200, headers);
  let remaining = fault.bytes - head.length - tail.length;
  const write = (text: string | Buffer): Promise<boolean> =>
    new Promise((resolve) => {
      if (res.destroyed) {
        resolve(false);
        return;
      }
      const size = typeof text === 'string' ? Buffer.byteLength(text) : text.length;
      const flushed = res.write(text);
      entry.bytesSent = (entry.bytesSent ?? 0) + size;
      if (flushed) {
        resolve(true);
        return;
      }
      const done = (ok: boolean): void => {
        res.off('drain', onDrain);
        res.off('close', onClose);
        resolve(ok);
      };
      const onDrain = (): void => done(true);
      const onClose = (): void => done(false);
      res.on('drain', onDrain);
      res.on('close', onClose);
    });
  if (!(await write(head))) return;
  const chunk = Buffer.alloc(LARGE_BODY_CHUNK, 'x');
  while (remaining > 0) {
    const part = remaining >= chunk.length ? chunk : chunk.subarray(0, remaining);
    remaining -= part.length;
    if (!(await write(part))) return;
  }
  if (await write(tail)) {
    res.end();
  }
}

function json(status: number, value: unknown, integration?: SandboxIntegration): Reply {
  return { status, body: JSON.stringify(value), contentType: JSON_TYPE, integration };
}

function ok(value: unknown, integration: SandboxIntegration): Reply {
  return json(200, value, integration);
}

function fail(status: number, code: number, message: string, integration?: SandboxIntegration): Reply {
  return json(status, { status: 'fail', code, message }, integration);
}

function notFound(integration: SandboxIntegration | undefined): Reply {
  return fail(404, 1101, 'Resource not found', integration);
}

function bodyCode(reply: Reply): number | string | undefined {
  if (reply.contentType !== JSON_TYPE) {
    return undefined;
  }
  const parsed = parseJson(Buffer.from(reply.body, 'utf8'));
  const code = parsed.ok && isRecord(parsed.value) ? parsed.value.code : undefined;
  return typeof code === 'number' || typeof code === 'string' ? code : undefined;
}

/** Reads the body up to MAX_BODY_BYTES; beyond that it drains the rest so the client can read the 413. */
function readBody(req: IncomingMessage): Promise<{ body: Buffer; tooLarge: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = Number(req.headers['content-length'] ?? 0) > MAX_BODY_BYTES;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        tooLarge = true;
      }
      if (!tooLarge) {
        chunks.push(chunk);
      }
    });
    req.on('end', () => resolve({ body: tooLarge ? Buffer.alloc(0) : Buffer.concat(chunks), tooLarge }));
    req.on('error', reject);
  });
}

function parseJson(raw: Buffer): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(raw.toString('utf8')) };
  } catch {
    return { ok: false };
  }
}

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? undefined : first.trim();
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function isHttpsUrl(value: unknown): boolean {
  if (typeof value !== 'string') {
    return false;
  }
  try {
    return new URL(value).protocol === 'https:';
  } catch {
    return false;
  }
}

function isFault(value: unknown): value is SandboxFault {
  if (typeof value === 'string') {
    return SIMPLE_FAULTS.includes(value);
  }
  if (!isRecord(value)) {
    return false;
  }
  if (value.kind === 'delay') {
    return typeof value.ms === 'number' && Number.isFinite(value.ms) && value.ms >= 0;
  }
  if (value.kind === 'largeBody') {
    return (
      typeof value.bytes === 'number' &&
      Number.isSafeInteger(value.bytes) &&
      value.bytes >= 64 &&
      (value.status === undefined || (typeof value.status === 'number' && Number.isInteger(value.status) && value.status >= 200 && value.status <= 599)) &&
      (value.contentLength === undefined || typeof value.contentLength === 'boolean')
    );
  }
  if (value.kind === 'status') {
    return (
      typeof value.status === 'number' &&
      Number.isInteger(value.status) &&
      value.status >= 100 &&
      value.status <= 599 &&
      (value.headers === undefined || (isRecord(value.headers) && Object.values(value.headers).every((v) => typeof v === 'string')))
    );
  }
  return false;
}

function isLoopback(address: string | undefined): boolean {
  return address === '127.0.0.1' || address === '::1' || address === '::ffff:127.0.0.1';
}

function corrupt(signature: string): string {
  return signature.slice(0, -1) + (signature.endsWith('0') ? '1' : '0');
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function requireString(value: unknown, name: string): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new Error(`${name} must be a non-empty string.`);
  }
  return value;
}

function optionalString(value: unknown, name: string): string | null {
  if (value !== null && typeof value !== 'string') {
    throw new Error(`${name} must be a string or null.`);
  }
  return value;
}

function requireBoolean(value: unknown, name: string): boolean {
  if (typeof value !== 'boolean') {
    throw new Error(`${name} must be true or false.`);
  }
  return value;
}

function requireStatus(value: unknown): VeriffStatus {
  if (!isVeriffStatus(value)) {
    throw new Error('status must be a Veriff session status.');
  }
  return value;
}
