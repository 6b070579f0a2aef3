import { IncomingMessage, Server, ServerResponse, createServer } from 'node:http';
import type { Socket } from 'node:net';
import type { Clock } from '../core/clock';
import type { VeriffStatus } from '../core/status';
import { handleControlRequest } from './controlApi';
import { FaultQueue, faultReply, streamLargeBody, type FaultOptions, type SandboxFault } from './faults';
import { bodyCode, fail, json, sendReply } from './reply';
import { headerValue, readBody } from './requestInput';
import { MAX_LOGGED_REQUESTS, RequestLog, type RequestLogEntry } from './requestLog';
import { SandboxState } from './sandboxState';
import type { SandboxIntegration, SandboxSession, SessionSeed } from './sessionModel';
import { VeriffApi } from './veriffApi';

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
  private readonly log: RequestLog;
  private readonly faults = new FaultQueue();
  private readonly api: VeriffApi;
  /** Each waiting `delay`: cancel (the server closes) → release (answer now). */
  private readonly pendingDelays = new Map<() => void, () => void>();
  private boundPort = 0;
  private closing: Promise<void> | undefined;

  private constructor(
    state: SandboxState,
    private readonly controlApi: boolean,
    maxLogged: number,
  ) {
    this.state = state;
    this.log = new RequestLog(maxLogged);
    this.api = new VeriffApi(state, () => this.url);
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
  /** Copy of the request log (the latest `maxLoggedRequests`), oldest answer first. Control-API and `/v/` page requests are not logged. */
  get requests(): RequestLogEntry[] {
    return this.log.list();
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
    this.faults.inject(fault, opts);
  }

  clearFaults(): void {
    this.faults.clear();
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
    this.log.clear();
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
      sendReply(
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
      await handleControlRequest(this, req, res, method, pathname);
      return;
    }
    if (method === 'GET' && pathname.startsWith('/v/')) {
      sendReply(res, this.api.verificationPage(pathname.slice(3)), 'signed');
      return;
    }

    const { body: raw, tooLarge } = await readBody(req);
    const apiKey = headerValue(req, 'x-auth-client');
    const signature = headerValue(req, 'x-hmac-signature');
    const entry: RequestLogEntry = { at, method, path, body: tooLarge ? '' : raw.toString('utf8'), status: 0 };
    if (apiKey !== undefined) entry.apiKey = apiKey;
    if (signature !== undefined) entry.signature = signature;
    // Only a fault or a refused body signs with the caller's integration here; the routes look it up themselves.
    const knownIntegration = (): SandboxIntegration | undefined => (apiKey ? this.state.getIntegration(apiKey) : undefined);

    const fault = this.faults.take(method, path);
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
      this.log.add(entry);
      req.socket.destroy();
      return;
    }
    if (typeof fault === 'object' && fault.kind === 'largeBody') {
      entry.status = fault.status ?? 200;
      entry.bytesSent = 0;
      this.log.add(entry);
      await streamLargeBody(res, fault, entry);
      return;
    }

    let reply = fault ? faultReply(fault, knownIntegration()) : undefined;
    if (!reply) {
      reply = tooLarge
        ? { ...fail(413, 1104, 'Request body too large.', knownIntegration()), headers: { Connection: 'close' } }
        : this.api.route({ method, pathname, raw, apiKey, signature });
    }
    const signing = fault === 'missingSignature' ? 'missing' : fault === 'wrongSignature' ? 'wrong' : 'signed';
    entry.status = reply.status;
    const code = bodyCode(reply);
    if (code !== undefined) entry.code = code;
    this.log.add(entry);
    sendReply(res, reply, signing);
  }

  /** `127.0.0.1:PORT` or `localhost:PORT`, any case: the names this server is reached by. */
  private isOwnHost(host: string | undefined): boolean {
    const h = (host ?? '').trim().toLowerCase();
    return h === `127.0.0.1:${this.boundPort}` || h === `localhost:${this.boundPort}`;
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

  private failUnexpectedly(res: ServerResponse): void {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    sendReply(res, fail(500, 1101, 'Something went wrong'), 'signed');
  }
}
