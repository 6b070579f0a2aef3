import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { IncomingMessage, Server, ServerResponse, createServer, request as httpRequest } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import * as path from 'node:path';
import { ManualClock } from '../../src/core/clock';
import { openDispatcherCount } from '../../src/core/http/dispatcher';
import { chooseProxy, isExcluded } from '../../src/core/http/proxy';
import { parseRetryAfter } from '../../src/core/http/response';
import { maskApiKey } from '../../src/core/mask';
import { sign } from '../../src/core/signing';
import {
  Outcome,
  ApiCallLogEntry,
  VeriffClient,
  VeriffClientOptions,
  closeAllDispatchers,
  formatLogLine,
} from '../../src/core/veriffClient';
import { normaliseApiUrl } from '../../src/core/apiUrl';
import { MockVeriff, startMockVeriff } from '../support/mockVeriff';
import { TestProxy, startTestProxy } from '../support/httpProxy';

const UNKNOWN_ID = '0b0b0b0b-1111-4222-8333-444444444444';

/** A bare node:http server for answers the mock does not produce; counts connections and requests. */
interface RawServer {
  url: string;
  connections: number;
  requests: IncomingMessage[];
  /** Resolves with the next request that arrives. */
  nextRequest(): Promise<IncomingMessage>;
  close(): Promise<void>;
}

async function startRawServer(handler: (req: IncomingMessage, res: ServerResponse, body: Buffer) => void): Promise<RawServer> {
  const sockets = new Set<Socket>();
  const waiting: Array<(req: IncomingMessage) => void> = [];
  const raw: RawServer = {
    url: '',
    connections: 0,
    requests: [],
    nextRequest: () => new Promise((resolve) => waiting.push(resolve)),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      }),
  };
  const server: Server = createServer((req, res) => {
    raw.requests.push(req);
    waiting.shift()?.(req);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handler(req, res, Buffer.concat(chunks)));
  });
  server.on('connection', (s: Socket) => {
    raw.connections += 1;
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  raw.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return raw;
}

/** Answers like Veriff: JSON, signed with `secret` unless `signed` is false. */
function reply(res: ServerResponse, status: number, body: string, opts: { secret?: string; headers?: Record<string, string> } = {}): void {
  const bytes = Buffer.from(body, 'utf8');
  const headers: Record<string, string | number> = { 'content-type': 'application/json', 'content-length': bytes.length, ...opts.headers };
  if (opts.secret) headers['x-hmac-signature'] = sign(bytes, opts.secret);
  res.writeHead(status, headers).end(bytes);
}

async function freePort(): Promise<number> {
  const s = createServer();
  s.listen(0, '127.0.0.1');
  await once(s, 'listening');
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

function expectKind<T, K extends Outcome<T>['kind']>(o: Outcome<T>, kind: K): Extract<Outcome<T>, { kind: K }> {
  assert.equal(o.kind, kind, `expected ${kind}, got ${JSON.stringify(o)}`);
  return o as Extract<Outcome<T>, { kind: K }>;
}

describe('VeriffClient', function () {
  this.timeout(10_000);

  let mock: MockVeriff;
  let logs: ApiCallLogEntry[];
  const clients: VeriffClient[] = [];
  const proxies: TestProxy[] = [];
  const raws: RawServer[] = [];

  function client(overrides: Partial<VeriffClientOptions> = {}): VeriffClient {
    const c = new VeriffClient({
      apiUrl: mock.server.url,
      apiKey: mock.apiKey,
      sharedSecret: mock.sharedSecret,
      clock: mock.clock,
      env: {},
      timeoutMs: 2000,
      getRetryDelays: () => [0, 0],
      onRequestLog: (e) => logs.push(e),
      ...overrides,
    });
    clients.push(c);
    return c;
  }

  async function proxy(): Promise<TestProxy> {
    const p = await startTestProxy();
    proxies.push(p);
    return p;
  }

  async function rawServer(handler: Parameters<typeof startRawServer>[0]): Promise<RawServer> {
    const r = await startRawServer(handler);
    raws.push(r);
    return r;
  }

  beforeEach(async () => {
    mock = await startMockVeriff();
    logs = [];
  });

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await closeAllDispatchers();
    await Promise.all([...proxies.splice(0), ...raws.splice(0)].map((p) => p.close()));
    await mock.server.close();
  });

  describe('DELETE /v1/sessions/{id}: every documented answer', () => {
    it('200: deleted, signed answer verified', async () => {
      const s = mock.server.seedSession(mock.apiKey, { status: 'approved' });
      const o = expectKind(await client().deleteSession(s.id), 'ok');
      assert.deepEqual(o.value, { id: s.id });
      assert.equal(o.http, 200);
      assert.equal(o.signature, 'valid');
      assert.equal(mock.server.state.getSession(s.id), undefined);
    });

    it('400 code 1305: session still being processed', async () => {
      const s = mock.server.seedSession(mock.apiKey, { status: 'submitted' });
      const o = expectKind(await client().deleteSession(s.id), 'veriffError');
      assert.equal(o.http, 400);
      assert.equal(o.code, '1305');
      assert.equal(o.message, 'Session is not in a completed status.');
      assert.equal(o.explanation.retryable, true);
      assert.equal(o.signature, 'valid');
    });

    it('400 code 1306: end user in the flow', async () => {
      const s = mock.server.seedSession(mock.apiKey, { status: 'started', inFlow: true });
      const o = expectKind(await client().deleteSession(s.id), 'veriffError');
      assert.equal(o.code, '1306');
      assert.match(o.explanation.meaning, /in progress/i);
    });

    it('401 code 1101: no API key sent', async () => {
      const s = mock.server.seedSession(mock.apiKey, { status: 'approved' });
      const o = expectKind(await client({ apiKey: '' }).deleteSession(s.id), 'veriffError');
      assert.equal(o.http, 401);
      assert.equal(o.code, '1101');
      assert.match(o.explanation.meaning, /X-AUTH-CLIENT/);
      assert.equal(o.signature, 'missing', 'Veriff cannot sign for an unknown integration');
      assert.equal(mock.server.requests[0]?.apiKey, undefined);
    });

    it('401 code 1812: wrong shared secret; the answer signature does not verify either', async () => {
      const s = mock.server.seedSession(mock.apiKey, { status: 'approved' });
      const o = expectKind(await client({ sharedSecret: 'not-the-secret' }).deleteSession(s.id), 'veriffError');
      assert.equal(o.http, 401);
      assert.equal(o.code, '1812');
      assert.equal(o.explanation.retryable, false);
      assert.equal(o.signature, 'invalid');
      assert.ok(mock.server.state.getSession(s.id), 'not deleted');
    });

    it('404 code 1101: no such session', async () => {
      const o = expectKind(await client().deleteSession(UNKNOWN_ID), 'veriffError');
      assert.equal(o.http, 404);
      assert.equal(o.code, '1101');
      assert.match(o.explanation.fix, /stop tracking/i);
    });

    it('429 code 1004: budget spent, with Retry-After when the server sends it', async () => {
      await mock.server.close();
      mock = await startMockVeriff({ sendRetryAfter: true });
      const c = client();
      for (let i = 0; i < 5; i++) {
        const s = mock.server.seedSession(mock.apiKey, { status: 'approved' });
        expectKind(await c.deleteSession(s.id), 'ok');
      }
      mock.clock.advance(10 * 60_000);
      const sixth = mock.server.seedSession(mock.apiKey, { status: 'approved' });
      const o = expectKind(await c.deleteSession(sixth.id), 'rateLimited');
      assert.equal(o.http, 429);
      assert.equal(o.code, '1004');
      assert.equal(o.retryAfterMs, 50 * 60_000, 'first delete frees its slot an hour after it was made');
      assert.equal(o.explanation.retryable, true);
      assert.equal(mock.server.deleteRequests().length, 6);
    });

    it('429 without rate-limit headers: no retryAfterMs', async () => {
      const c = client();
      for (let i = 0; i < 5; i++) {
        expectKind(await c.deleteSession(mock.server.seedSession(mock.apiKey, { status: 'approved' }).id), 'ok');
      }
      const o = expectKind(await c.deleteSession(mock.server.seedSession(mock.apiKey, { status: 'approved' }).id), 'rateLimited');
      assert.equal(o.retryAfterMs, undefined);
    });

    it('500 code 1101: Veriff-side failure, and a DELETE is sent exactly once', async () => {
      const s = mock.server.seedSession(mock.apiKey, { status: 'approved' });
      mock.server.injectFault('http500', { times: Infinity });
      const o = expectKind(await client().deleteSession(s.id), 'veriffError');
      assert.equal(o.http, 500);
      assert.equal(o.code, '1101');
      assert.equal(o.explanation.retryable, true);
      assert.equal(mock.server.deleteRequests().length, 1);
    });

    it('dropped connection: network, and a DELETE is sent exactly once', async () => {
      const s = mock.server.seedSession(mock.apiKey, { status: 'approved' });
      mock.server.injectFault('drop', { times: Infinity });
      const o = expectKind(await client().deleteSession(s.id), 'network');
      assert.ok(o.causeCode, 'a cause code such as UND_ERR_SOCKET');
      assert.equal(mock.server.deleteRequests().length, 1);
    });

    it('signs the session id and sends the API key', async () => {
      const s = mock.server.seedSession(mock.apiKey, { status: 'approved' });
      await client().deleteSession(s.id);
      const [seen] = mock.server.deleteRequests();
      assert.equal(seen?.apiKey, mock.apiKey);
      assert.equal(seen?.signature, sign(s.id, mock.sharedSecret));
      assert.equal(seen?.path, `/v1/sessions/${s.id}`);
    });
  });

  describe('error bodies: status and code as string or number', () => {
    const shapes: Array<[string, unknown]> = [
      ['status "fail", numeric code', { status: 'fail', code: 1305, message: 'Session is not in a completed status.' }],
      ['status "fail", string code', { status: 'fail', code: '1305', message: 'Session is not in a completed status.' }],
      ['numeric status, numeric code', { status: 400, code: 1305, message: 'Session is not in a completed status.' }],
      ['numeric status, string code', { status: 400, code: '1305', message: 'Session is not in a completed status.' }],
    ];
    for (const [name, body] of shapes) {
      it(name, async () => {
        mock.server.injectFault({ kind: 'status', status: 400, body });
        const o = expectKind(await client().deleteSession(UNKNOWN_ID), 'veriffError');
        assert.equal(o.code, '1305');
        assert.equal(o.message, 'Session is not in a completed status.');
        assert.equal(o.signature, 'valid');
      });
    }

    it('an error object without code or message still is a Veriff error', async () => {
      mock.server.injectFault({ kind: 'status', status: 401, body: { status: 'fail' } });
      const o = expectKind(await client().deleteSession(UNKNOWN_ID), 'veriffError');
      assert.equal(o.code, undefined);
      assert.equal(o.message, 'HTTP 401');
      assert.match(o.explanation.fix, /credentials/i);
    });

    it('429 with a numeric code string and a body that is not JSON stays rateLimited', async () => {
      const raw = await rawServer((_req, res) => res.writeHead(429, { 'content-type': 'text/plain', 'retry-after': '7' }).end('slow down'));
      const o = expectKind(await client({ apiUrl: raw.url }).deleteSession(UNKNOWN_ID), 'rateLimited');
      assert.equal(o.retryAfterMs, 7000);
      assert.equal(o.code, undefined);
      assert.equal(o.signature, 'missing');
    });
  });

  describe('unusable answers', () => {
    it('HTML from a gateway: malformed, with the status', async () => {
      mock.server.injectFault('html', { method: 'DELETE' });
      const o = expectKind(await client().deleteSession(UNKNOWN_ID), 'malformed');
      assert.equal(o.http, 502);
      assert.match(o.message, /HTML/);
    });

    it('200 text/html (a captive portal): malformed, not ok', async () => {
      const raw = await rawServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html><body>Log in to the Wi-Fi</body></html>'));
      const o = expectKind(await client({ apiUrl: raw.url }).getDecision(UNKNOWN_ID), 'malformed');
      assert.equal(o.http, 200);
      assert.match(o.message, /HTML/);
    });

    it('truncated JSON: malformed', async () => {
      mock.server.injectFault('malformedJson');
      const o = expectKind(await client().getDecision(UNKNOWN_ID), 'malformed');
      assert.equal(o.http, 200);
      assert.match(o.message, /cut off or invalid/);
      assert.equal(mock.server.requests.length, 1, '2xx malformed answers are not retried');
    });

    it('a body cut off by the connection closing: malformed with the status', async () => {
      const raw = await rawServer((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '200' });
        res.write('{"status":"success","verif');
        setImmediate(() => res.socket?.destroy());
      });
      const o = expectKind(await client({ apiUrl: raw.url }).deleteSession(UNKNOWN_ID), 'malformed');
      assert.equal(o.http, 200);
      assert.match(o.message, /cut off/);
      assert.equal(raw.requests.length, 1);
    });

    it('JSON of the wrong shape: malformed', async () => {
      mock.server.injectFault({ kind: 'status', status: 200, body: { status: 'success', verifications: 'nope' } }, { pathIncludes: 'attempts' });
      const o = expectKind(await client().getAttempts(UNKNOWN_ID), 'malformed');
      assert.match(o.message, /unexpected shape/);
    });

    it('a decision without the verification key: malformed', async () => {
      mock.server.injectFault({ kind: 'status', status: 200, body: { status: 'success' } });
      expectKind(await client().getDecision(UNKNOWN_ID), 'malformed');
    });

    it('an answer over 1 MiB: "answer too large", not a delete, and not read to the end', async () => {
      const s = mock.server.seedSession(mock.apiKey, { status: 'approved' });
      const huge = JSON.stringify({ status: 'success', verification: { id: s.id }, padding: 'x'.repeat(3 * 1024 * 1024) });
      mock.server.injectFault({ kind: 'status', status: 200, body: huge }, { method: 'DELETE' });
      const o = expectKind(await client().deleteSession(s.id), 'malformed');
      assert.equal(o.http, 200);
      assert.match(o.message, /too large/i);
      assert.match(o.message, /1 MiB/);
      assert.equal(logs.at(-1)?.outcome, 'malformed');
      assert.match(logs.at(-1)?.message ?? '', /too large/i);
    });

    it('a 300 MiB streamed answer (no Content-Length) is not read past the limit, and not retried', async () => {
      const bytes = 300 * 1024 * 1024;
      mock.server.injectFault({ kind: 'largeBody', bytes }, { method: 'GET', times: Infinity });
      const heapBefore = process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
      const started = Date.now();
      const o = expectKind(await client().getDecision(UNKNOWN_ID), 'malformed');
      const elapsed = Date.now() - started;
      mock.server.clearFaults();
      assert.equal(o.tooLarge, true);
      assert.match(o.message, /too large.*1 MiB/);
      const [entry, ...rest] = mock.server.requests;
      assert.equal(rest.length, 0, 'a too-large answer is not retried');
      // Wait for the server to notice the closed connection, then look at what it managed to write.
      await new Promise((r) => setTimeout(r, 50));
      const sent = mock.server.requests[0]?.bytesSent ?? 0;
      assert.ok(entry && sent < 32 * 1024 * 1024, `the server wrote ${sent} bytes of ${bytes}: the client kept reading`);
      const grown = process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers - heapBefore;
      assert.ok(grown < 64 * 1024 * 1024, `memory grew by ${grown} bytes`);
      assert.ok(elapsed < 5000, `took ${elapsed} ms`);
    });

    it('an answer whose Content-Length is over 1 MiB is refused before its body is read', async () => {
      mock.server.injectFault({ kind: 'largeBody', bytes: 2 * 1024 * 1024, contentLength: true, status: 500 }, { method: 'GET', times: Infinity });
      const o = expectKind(await client().getDecision(UNKNOWN_ID), 'malformed');
      mock.server.clearFaults();
      assert.equal(o.http, 500);
      assert.equal(o.tooLarge, true);
      assert.equal(mock.server.requests.length, 1, 'not retried, although 5xx');
      // And the next request works on a fresh connection.
      const s = mock.server.seedSession(mock.apiKey, { status: 'approved' });
      expectKind(await client().getDecision(s.id), 'ok');
    });

    it('a created session whose id is not a UUID or whose url is not http(s): malformed (the id goes to files and URLs, the url to the browser)', async () => {
      for (const verification of [
        { id: '../../etc/passwd', url: 'https://alchemy.veriff.com/v/x' },
        { id: 'aea9ba6d-1b47-47fc-a4fc-f72b6d3584a7', url: 'command:workbench.action.terminal.sendSequence' },
        { id: 'aea9ba6d-1b47-47fc-a4fc-f72b6d3584a7', url: 'file:///etc/passwd' },
      ]) {
        mock.server.injectFault({ kind: 'status', status: 201, body: { status: 'success', verification } }, { method: 'POST' });
        expectKind(await client().createSession({}), 'malformed');
      }
      mock.server.injectFault({ kind: 'status', status: 201, body: { status: 'success', verification: { id: 'AEA9BA6D-1B47-47FC-A4FC-F72B6D3584A7', url: 'https://x/v/1' } } }, { method: 'POST' });
      assert.equal(expectKind(await client().createSession({}), 'ok').value.id, 'aea9ba6d-1b47-47fc-a4fc-f72b6d3584a7');
    });

    it('an empty 200 body: malformed', async () => {
      mock.server.injectFault({ kind: 'status', status: 200, body: '' });
      const o = expectKind(await client().deleteSession(UNKNOWN_ID), 'malformed');
      assert.match(o.message, /empty/);
    });
  });

  describe('response signatures', () => {
    it('missing: reported, the operation still succeeds', async () => {
      const s = mock.server.seedSession(mock.apiKey, { status: 'approved' });
      mock.server.injectFault('missingSignature');
      const o = expectKind(await client().deleteSession(s.id), 'ok');
      assert.equal(o.signature, 'missing');
      assert.equal(logs[0]?.signature, 'missing');
    });

    it('wrong: reported as invalid, the operation still succeeds', async () => {
      const s = mock.server.seedSession(mock.apiKey, { status: 'approved' });
      mock.server.injectFault('wrongSignature');
      const o = expectKind(await client().getDecision(s.id), 'ok');
      assert.equal(o.signature, 'invalid');
      assert.equal(logs[0]?.signature, 'invalid');
    });

    it('verified over the raw bytes, not re-serialised JSON', async () => {
      const body = '{ "status" : "success", "verification" : null }';
      const raw = await rawServer((_req, res) => reply(res, 200, body, { secret: 's3cret-for-raw' }));
      const o = expectKind(await client({ apiUrl: raw.url, sharedSecret: 's3cret-for-raw' }).getDecision(UNKNOWN_ID), 'ok');
      assert.equal(o.signature, 'valid');
    });
  });

  describe('GET retries', () => {
    it('retries a 500 and then succeeds', async () => {
      const s = mock.server.seedSession(mock.apiKey, { status: 'approved' });
      mock.server.injectFault('http500', { method: 'GET' });
      const o = expectKind(await client().getDecision(s.id), 'ok');
      assert.equal(o.value.verification?.status, 'approved');
      assert.deepEqual(mock.server.requests.map((r) => r.status), [500, 200]);
      assert.deepEqual(logs.map((l) => [l.attempt, l.outcome, l.http]), [[1, 'veriffError', 500], [2, 'ok', 200]]);
    });

    it('retries a dropped connection and then succeeds', async () => {
      const s = mock.server.seedSession(mock.apiKey, { status: 'approved' });
      mock.server.injectFault('drop', { method: 'GET' });
      expectKind(await client().getDecision(s.id), 'ok');
      assert.equal(mock.server.requests.length, 2);
    });

    it('waits the injected delays and gives up after them', async () => {
      mock.server.injectFault('http500', { times: Infinity });
      let asked = 0;
      const o = expectKind(await client({ getRetryDelays: () => (asked++, [1, 1, 1]) }).getDecision(UNKNOWN_ID), 'veriffError');
      assert.equal(o.http, 500);
      assert.equal(mock.server.requests.length, 4);
      assert.equal(asked, 1);
    });

    it('does not retry 4xx answers', async () => {
      expectKind(await client().getDecision(UNKNOWN_ID), 'veriffError');
      assert.equal(mock.server.requests.length, 1);
    });

    it('a cancel during the backoff ends it at once', async () => {
      mock.server.injectFault('http500', { times: Infinity });
      const ac = new AbortController();
      const c = client({ getRetryDelays: () => [60_000], onRequestLog: () => ac.abort() });
      const started = Date.now();
      expectKind(await c.getDecision(UNKNOWN_ID, { signal: ac.signal }), 'cancelled');
      assert.ok(Date.now() - started < 5000, 'did not sit out the 60 s backoff');
      assert.equal(mock.server.requests.length, 1);
    });

    it('POST and PATCH are not retried either', async () => {
      mock.server.injectFault('http500', { times: Infinity });
      const c = client();
      expectKind(await c.createSession({}), 'veriffError');
      expectKind(await c.patchSessionStatus(UNKNOWN_ID, 'submitted'), 'veriffError');
      assert.deepEqual(mock.server.requests.map((r) => r.method), ['POST', 'PATCH']);
    });
  });

  describe('timeouts and cancellation', () => {
    it('a server slower than timeoutMs: timeout, not retried', async () => {
      const raw = await rawServer(() => undefined);
      const o = expectKind(await client({ apiUrl: raw.url, timeoutMs: 100 }).getDecision(UNKNOWN_ID), 'timeout');
      assert.match(o.message, /0\.1 s/);
      assert.equal(raw.requests.length, 1);
    });

    it('a delayed mock answer past the timeout: timeout, and a DELETE says it may have happened', async () => {
      mock.server.injectFault({ kind: 'delay', ms: 5000 });
      const o = expectKind(await client({ timeoutMs: 100 }).deleteSession(UNKNOWN_ID), 'timeout');
      assert.match(o.message, /may still have processed/);
    });

    it('headers then a stalled body: timeout', async () => {
      const raw = await rawServer((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
        res.write('{"status":');
      });
      expectKind(await client({ apiUrl: raw.url, timeoutMs: 150 }).getDecision(UNKNOWN_ID), 'timeout');
    });

    it('a body trickling in past the deadline: timeout (the whole attempt has one deadline)', async () => {
      const timers: NodeJS.Timeout[] = [];
      const raw = await rawServer((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
        timers.push(setInterval(() => res.write(' '), 20));
        res.on('close', () => timers.forEach(clearInterval));
      });
      expectKind(await client({ apiUrl: raw.url, timeoutMs: 250 }).getDecision(UNKNOWN_ID), 'timeout');
    });

    it('an AbortSignal fired while waiting: cancelled, and the connection is closed', async () => {
      const raw = await rawServer(() => undefined);
      const ac = new AbortController();
      const pending = client({ apiUrl: raw.url, timeoutMs: 60_000 }).deleteSession(UNKNOWN_ID, { signal: ac.signal });
      const req = await raw.nextRequest();
      const closed = once(req.socket, 'close');
      ac.abort();
      expectKind(await pending, 'cancelled');
      await closed;
      assert.equal(logs[0]?.outcome, 'cancelled');
    });

    it('an AbortSignal fired while the request waits for a free connection: cancelled at once, and never sent', async () => {
      const raw = await rawServer(() => undefined);
      const c = client({ apiUrl: raw.url, timeoutMs: 60_000 });
      const holding = new AbortController();
      // The pool has 4 connections: four unanswered DELETEs take them all.
      const held = Array.from({ length: 4 }, () => c.deleteSession(UNKNOWN_ID, { signal: holding.signal }));
      while (raw.requests.length < 4) await new Promise((r) => setTimeout(r, 5));
      const ac = new AbortController();
      const waiting = c.deleteSession(UNKNOWN_ID, { signal: ac.signal });
      await new Promise((r) => setTimeout(r, 20));
      ac.abort();
      expectKind(await waiting, 'cancelled');
      holding.abort();
      for (const o of await Promise.all(held)) expectKind(o, 'cancelled');
      await new Promise((r) => setTimeout(r, 50));
      assert.equal(raw.requests.length, 4, 'the cancelled request was not sent when a connection freed');
    });

    it('an AbortSignal already fired: cancelled, nothing sent', async () => {
      const ac = new AbortController();
      ac.abort();
      expectKind(await client().deleteSession(UNKNOWN_ID, { signal: ac.signal }), 'cancelled');
      assert.equal(mock.server.requests.length, 0);
    });

    it('nothing listening: network with the system code', async () => {
      const o = expectKind(await client({ apiUrl: `http://127.0.0.1:${await freePort()}`, getRetryDelays: () => [] }).getDecision(UNKNOWN_ID), 'network');
      assert.equal(o.causeCode, 'ECONNREFUSED');
    });
  });

  describe('input checks', () => {
    it('a session id that is not a UUID: invalidInput, nothing sent', async () => {
      const c = client();
      expectKind(await c.deleteSession('not-a-uuid'), 'invalidInput');
      expectKind(await c.getStatus('../../v1/sessions'), 'invalidInput');
      expectKind(await c.patchSessionStatus('x', 'submitted'), 'invalidInput');
      assert.equal(mock.server.requests.length, 0);
      assert.equal(logs.length, 0);
    });

    it("the integration's own API key or UUID-shaped shared secret as a session id: invalidInput, nothing sent", async () => {
      const secret = 'C0FFEE00-1111-4222-8333-444444444444';
      mock.server.addIntegration('5eed0000-0000-4000-8000-00000000beef', secret);
      const c = client({ apiKey: '5eed0000-0000-4000-8000-00000000beef', sharedSecret: secret });
      for (const id of [secret, secret.toLowerCase(), '5EED0000-0000-4000-8000-00000000BEEF']) {
        const o = expectKind(await c.getDecision(id), 'invalidInput');
        assert.ok(!o.message.toLowerCase().includes(secret.toLowerCase()));
        expectKind(await c.deleteSession(id), 'invalidInput');
      }
      assert.equal(mock.server.requests.length, 0);
    });

    it('an upper-case UUID is normalised', async () => {
      const s = mock.server.seedSession(mock.apiKey, { status: 'approved' });
      expectKind(await client().deleteSession(` ${s.id.toUpperCase()} `), 'ok');
    });

    it('createSession refuses a non-https callback and over-long vendorData, nothing sent', async () => {
      const c = client();
      expectKind(await c.createSession({ callback: 'http://example.com/hook' }), 'invalidInput');
      expectKind(await c.createSession({ vendorData: 'x'.repeat(1001) }), 'invalidInput');
      assert.equal(mock.server.requests.length, 0);
    });

    it('the API URL must be https, or http on loopback only', () => {
      assert.throws(() => client({ apiUrl: 'http://stationapi.veriff.com' }), /https:\/\//);
      assert.throws(() => client({ apiUrl: 'http://10.0.0.5:8080' }), /https:\/\//);
      assert.throws(() => client({ apiUrl: 'ftp://127.0.0.1' }), /https:\/\//);
      assert.throws(() => client({ apiUrl: 'not a url' }), /not a valid URL/);
      assert.throws(
        () => client({ apiUrl: 'https://user:s3cret-pass@' }),
        (err: Error) => /not a valid URL/.test(err.message) && !err.message.includes('s3cret-pass'),
      );
      assert.throws(() => client({ apiUrl: 'https://user:pw@stationapi.veriff.com' }), /user name or password/);
      for (const ok of ['https://stationapi.veriff.com', 'http://127.0.0.1:1234', 'http://localhost:1', 'http://[::1]:8080']) {
        assert.doesNotThrow(() => normaliseApiUrl(ok), ok);
      }
    });

    it('plain http only for literal loopback addresses and exactly "localhost": a name that needs DNS is refused', () => {
      for (const ok of ['http://127.0.0.1:1', 'http://127.9.8.7:1', 'http://127.1:1', 'http://localhost:1', 'http://LOCALHOST:1', 'http://[::1]:1']) {
        assert.doesNotThrow(() => normaliseApiUrl(ok), ok);
      }
      for (const bad of [
        'http://veriff-mock.localhost:1',
        'http://a.b.localhost',
        'http://localhost.:1',
        'http://localhost.example.com',
        'http://127.0.0.1.nip.io',
        'http://[::ffff:127.0.0.1]:1',
        'http://[::2]:1',
        'http://0.0.0.0:1',
      ]) {
        assert.throws(() => normaliseApiUrl(bad), /https:\/\//, bad);
      }
      assert.doesNotThrow(() => normaliseApiUrl('https://veriff-mock.localhost'), 'https is fine for any name');
    });

    it('a trailing /v1 or / on the API URL is dropped', async () => {
      assert.equal(normaliseApiUrl('https://stationapi.veriff.com/v1/').href, 'https://stationapi.veriff.com/');
      const s = mock.server.seedSession(mock.apiKey, { status: 'approved' });
      expectKind(await client({ apiUrl: `${mock.server.url}/v1` }).getDecision(s.id), 'ok');
    });
  });

  describe('getStatus', () => {
    it('takes a decided status from /decision alone', async () => {
      const s = mock.server.seedSession(mock.apiKey, { status: 'declined' });
      const o = expectKind(await client().getStatus(s.id), 'ok');
      assert.equal(o.value, 'declined');
      assert.deepEqual(mock.server.requests.map((r) => r.path), [`/v1/sessions/${s.id}/decision`]);
    });

    for (const status of ['created', 'started', 'submitted', 'review'] as const) {
      it(`falls back on /attempts when there is no decision: ${status}`, async () => {
        const s = mock.server.seedSession(mock.apiKey, { status });
        const o = expectKind(await client().getStatus(s.id), 'ok');
        assert.equal(o.value, status);
        assert.equal(mock.server.requests.length, 2);
      });
    }

    it('404: gone', async () => {
      const o = expectKind(await client().getStatus(UNKNOWN_ID), 'ok');
      assert.equal(o.value, 'gone');
      assert.equal(o.http, 404);
    });

    it('a 404 HTML page (wrong API URL) is not "gone"', async () => {
      const raw = await rawServer((_req, res) => res.writeHead(404, { 'content-type': 'text/html' }).end('<html>Not Found</html>'));
      expectKind(await client({ apiUrl: raw.url }).getStatus(UNKNOWN_ID), 'malformed');
    });

    it('an attempt status Veriff adds later: unknown', async () => {
      mock.server.injectFault(
        { kind: 'status', status: 200, body: { status: 'success', verifications: [{ id: UNKNOWN_ID, status: 'teleported' }] } },
        { pathIncludes: 'attempts' },
      );
      const s = mock.server.seedSession(mock.apiKey, { status: 'started' });
      assert.equal(expectKind(await client().getStatus(s.id), 'ok').value, 'unknown');
    });

    it('passes other failures through', async () => {
      const s = mock.server.seedSession(mock.apiKey, { status: 'started' });
      expectKind(await client({ sharedSecret: 'wrong-secret' }).getStatus(s.id), 'veriffError');
    });
  });

  describe('createSession and patchSessionStatus', () => {
    it('POST signs and sends the same body bytes', async () => {
      const o = expectKind(await client().createSession({ vendorData: 'run-42 ünïcode', callback: 'https://example.com/cb' }), 'ok');
      assert.equal(o.http, 201);
      assert.equal(o.value.status, 'created');
      assert.equal(o.value.vendorData, 'run-42 ünïcode');
      const [seen] = mock.server.requests;
      assert.equal(seen?.body, JSON.stringify({ verification: { callback: 'https://example.com/cb', vendorData: 'run-42 ünïcode' } }));
      assert.equal(seen?.signature, sign(Buffer.from(seen.body, 'utf8'), mock.sharedSecret));
      assert.ok(mock.server.state.getSession(o.value.id));
    });

    it('PATCH moves a started session to submitted', async () => {
      const s = mock.server.seedSession(mock.apiKey, { status: 'started' });
      const o = expectKind(await client().patchSessionStatus(s.id, 'submitted'), 'ok');
      assert.equal(o.value.status, 'submitted');
      assert.equal(mock.server.state.getSession(s.id)?.status, 'submitted');
      const [seen] = mock.server.requests;
      assert.equal(seen?.signature, sign(seen!.body, mock.sharedSecret));
    });
  });

  describe('Retry-After', () => {
    it('reads seconds, HTTP-dates and X-RateLimit-Reset', () => {
      const now = Date.UTC(2026, 0, 1, 9, 0, 0);
      assert.equal(parseRetryAfter({ 'retry-after': '120' }, now), 120_000);
      assert.equal(parseRetryAfter({ 'retry-after': new Date(now + 90_000).toUTCString() }, now), 90_000);
      assert.equal(parseRetryAfter({ 'retry-after': new Date(now - 5_000).toUTCString() }, now), 0);
      assert.equal(parseRetryAfter({ 'x-ratelimit-reset': String(now / 1000 + 30) }, now), 30_000, 'epoch seconds');
      assert.equal(parseRetryAfter({ 'x-ratelimit-reset': String(now + 45_000) }, now), 45_000, 'epoch ms');
      assert.equal(parseRetryAfter({ 'x-ratelimit-reset': '600' }, now), 600_000, 'delta seconds');
      assert.equal(parseRetryAfter({ 'retry-after': '5', 'x-ratelimit-reset': '600' }, now), 5_000, 'Retry-After wins');
      assert.equal(parseRetryAfter({ 'retry-after': 'soon' }, now), undefined);
      assert.equal(parseRetryAfter({}, now), undefined);
    });

    it('an HTTP-date is measured on the injected clock', async () => {
      const clock = new ManualClock(Date.UTC(2030, 5, 1, 12, 0, 0));
      const raw = await rawServer((_req, res) =>
        reply(res, 429, '{"status":"fail","code":1004,"message":"Too many requests."}', {
          headers: { 'retry-after': new Date(clock.now() + 42_000).toUTCString() },
        }),
      );
      const o = expectKind(await client({ apiUrl: raw.url, clock }).deleteSession(UNKNOWN_ID), 'rateLimited');
      assert.equal(o.retryAfterMs, 42_000);
      assert.equal(o.code, '1004');
    });
  });

  describe('proxies', () => {
    it('goes through the http.proxy setting (CONNECT tunnel)', async () => {
      const p = await proxy();
      const s = mock.server.seedSession(mock.apiKey, { status: 'approved' });
      const c = client({ proxy: { url: p.url } });
      assert.equal(c.proxyInUse, p.url);
      expectKind(await c.deleteSession(s.id), 'ok');
      assert.deepEqual(p.connects, [new URL(mock.server.url).host]);
      assert.equal(logs[0]?.proxy, p.url);
    });

    it('goes through HTTP_PROXY from the environment', async () => {
      const p = await proxy();
      const s = mock.server.seedSession(mock.apiKey, { status: 'approved' });
      expectKind(await client({ env: { HTTP_PROXY: p.url } }).getStatus(s.id), 'ok');
      assert.equal(p.total, 1);
    });

    it('honours lowercase http_proxy', async () => {
      const p = await proxy();
      expectKind(await client({ env: { http_proxy: p.url } }).getDecision(UNKNOWN_ID), 'veriffError');
      assert.equal(p.total, 1);
    });

    it('uses process.env when no env is given', async () => {
      const p = await proxy();
      const saved = { HTTP_PROXY: process.env.HTTP_PROXY, http_proxy: process.env.http_proxy, NO_PROXY: process.env.NO_PROXY, no_proxy: process.env.no_proxy };
      try {
        process.env.HTTP_PROXY = p.url;
        delete process.env.http_proxy;
        delete process.env.NO_PROXY;
        delete process.env.no_proxy;
        const c = new VeriffClient({ apiUrl: mock.server.url, apiKey: mock.apiKey, sharedSecret: mock.sharedSecret });
        clients.push(c);
        expectKind(await c.getDecision(UNKNOWN_ID), 'veriffError');
      } finally {
        for (const [k, v] of Object.entries(saved)) {
          if (v === undefined) delete process.env[k];
          else process.env[k] = v;
        }
      }
      assert.equal(p.total, 1);
    });

    it('NO_PROXY bypasses the environment proxy', async () => {
      const p = await proxy();
      const s = mock.server.seedSession(mock.apiKey, { status: 'approved' });
      const c = client({ env: { HTTP_PROXY: p.url, NO_PROXY: 'example.com, 127.0.0.1' } });
      assert.equal(c.proxyInUse, undefined);
      expectKind(await c.getStatus(s.id), 'ok');
      assert.equal(p.total, 0);
      assert.equal(mock.server.requests.length, 1);
    });

    it('NO_PROXY also bypasses the setting proxy, and so does http.noProxy', async () => {
      const p = await proxy();
      const s = mock.server.seedSession(mock.apiKey, { status: 'approved' });
      expectKind(await client({ proxy: { url: p.url }, env: { no_proxy: '127.0.0.1' } }).getStatus(s.id), 'ok');
      expectKind(await client({ proxy: { url: p.url, noProxy: ['127.0.0.1'] } }).getStatus(s.id), 'ok');
      assert.equal(p.total, 0);
    });

    it('the setting wins over the environment', async () => {
      const fromSetting = await proxy();
      const fromEnv = await proxy();
      expectKind(await client({ proxy: { url: fromSetting.url }, env: { HTTP_PROXY: fromEnv.url } }).getDecision(UNKNOWN_ID), 'veriffError');
      assert.equal(fromSetting.total, 1);
      assert.equal(fromEnv.total, 0);
    });

    it('sends proxy credentials to the proxy only, and never logs them', async () => {
      const p = await proxy();
      const withCreds = p.url.replace('http://', 'http://alice:pr0xy-pa55@');
      expectKind(await client({ proxy: { url: withCreds } }).getDecision(UNKNOWN_ID), 'veriffError');
      assert.deepEqual(p.proxyAuthorizations, [`Basic ${Buffer.from('alice:pr0xy-pa55').toString('base64')}`]);
      const text = JSON.stringify(logs) + logs.map((l) => formatLogLine(l, 'ca4a…')).join('\n');
      assert.doesNotMatch(text, /pr0xy-pa55|alice/);
    });

    it('an unreachable proxy: network error, not a direct connection', async () => {
      const port = await freePort();
      const o = expectKind(await client({ proxy: { url: `http://127.0.0.1:${port}` }, getRetryDelays: () => [] }).getDecision(UNKNOWN_ID), 'network');
      assert.equal(o.causeCode, 'ECONNREFUSED');
      assert.equal(mock.server.requests.length, 0);
    });

    it('reuses one tunnel for sequential requests', async () => {
      const p = await proxy();
      const c = client({ proxy: { url: p.url } });
      for (let i = 0; i < 4; i++) expectKind(await c.getDecision(UNKNOWN_ID), 'veriffError');
      assert.equal(p.connects.length, 1);
    });

    it('the test proxy also forwards absolute-URI requests', async () => {
      const p = await proxy();
      const target = `${mock.server.url}/v1/sessions/${UNKNOWN_ID}/decision`;
      const status = await new Promise<number>((resolve, reject) => {
        const u = new URL(p.url);
        httpRequest({ host: u.hostname, port: u.port, path: target, method: 'GET' }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        })
          .on('error', reject)
          .end();
      });
      assert.equal(status, 401);
      assert.deepEqual(p.forwards, [target]);
    });

    describe('chooseProxy', () => {
      const https = new URL('https://stationapi.veriff.com');
      const http = new URL('http://127.0.0.1:8080');

      it('https targets use HTTPS_PROXY, then HTTP_PROXY', () => {
        assert.equal(chooseProxy(https, undefined, { HTTPS_PROXY: 'http://s:1', HTTP_PROXY: 'http://p:2' })?.url, 'http://s:1/');
        assert.equal(chooseProxy(https, undefined, { HTTP_PROXY: 'http://p:2' })?.url, 'http://p:2/');
      });

      it('http targets ignore HTTPS_PROXY', () => {
        assert.equal(chooseProxy(http, undefined, { HTTPS_PROXY: 'http://s:1' }), undefined);
      });

      it('lowercase wins over uppercase; a proxy without scheme gets http://', () => {
        assert.equal(chooseProxy(https, undefined, { https_proxy: 'low:3', HTTPS_PROXY: 'http://up:4' })?.url, 'http://low:3/');
      });

      it('the setting wins and strips credentials for display', () => {
        const c = chooseProxy(https, { url: 'http://u:p@corp:3128' }, { HTTPS_PROXY: 'http://env:1' });
        assert.equal(c?.source, 'setting');
        assert.equal(c?.display, 'http://corp:3128');
      });

      it('rejects a proxy URL that is not http(s)', () => {
        assert.throws(() => chooseProxy(https, { url: 'socks5://corp:1080' }, {}), /http:\/\/ or https:\/\//);
      });

      it('NO_PROXY: *, host, subdomain, leading dot, port, IPv6 and CIDR', () => {
        const t = (url: string, list: string): boolean => isExcluded(new URL(url), list);
        assert.equal(t('https://a.veriff.com', '*'), true);
        assert.equal(t('https://stationapi.veriff.com', 'veriff.com'), true);
        assert.equal(t('https://stationapi.veriff.com', '.veriff.com'), true);
        assert.equal(t('https://stationapi.veriff.com', '*.veriff.com'), true);
        assert.equal(t('https://notveriff.com', 'veriff.com'), false);
        assert.equal(t('https://veriff.com', 'veriff.com:443'), true);
        assert.equal(t('https://veriff.com', 'veriff.com:8443'), false);
        assert.equal(t('http://[::1]:8080', '::1'), true);
        assert.equal(t('http://[::1]:8080', '[::1]:8080'), true);
        assert.equal(t('http://127.0.0.1:8080', '127.0.0.0/8'), true);
        assert.equal(t('http://10.1.2.3', '127.0.0.0/8'), false);
        assert.equal(t('http://localhost:1', ''), false, 'loopback is not special: only NO_PROXY decides');
      });
    });
  });

  describe('connections', () => {
    it('reuses one connection for sequential requests', async () => {
      const raw = await rawServer((_req, res) => reply(res, 200, '{"status":"success","verification":null}'));
      const c = client({ apiUrl: raw.url });
      for (let i = 0; i < 6; i++) expectKind(await c.getDecision(UNKNOWN_ID), 'ok');
      assert.equal(raw.requests.length, 6);
      assert.equal(raw.connections, 1);
    });

    it('clients of the same API URL share the pool', async () => {
      const raw = await rawServer((_req, res) => reply(res, 200, '{"status":"success","verification":null}'));
      const a = client({ apiUrl: raw.url });
      const b = client({ apiUrl: raw.url, apiKey: 'another-key-0000' });
      expectKind(await a.getDecision(UNKNOWN_ID), 'ok');
      expectKind(await b.getDecision(UNKNOWN_ID), 'ok');
      expectKind(await a.getDecision(UNKNOWN_ID), 'ok');
      assert.equal(raw.connections, 1);
      assert.equal(openDispatcherCount(), 1);
      await a.close();
      assert.equal(openDispatcherCount(), 1, 'b still holds it');
      await b.close();
      assert.equal(openDispatcherCount(), 0);
    });

    it('a closed client opens a new pool on its next request', async () => {
      const c = client();
      expectKind(await c.getDecision(UNKNOWN_ID), 'veriffError');
      await c.close();
      assert.equal(openDispatcherCount(), 0);
      expectKind(await c.getDecision(UNKNOWN_ID), 'veriffError');
      assert.equal(openDispatcherCount(), 1);
    });

    it('undici is not loaded by importing or constructing the client, only by a request', () => {
      const out = path.resolve(__dirname, '../../src/core/veriffClient.js');
      const script = `
        const loaded = () => Object.keys(require.cache).some((k) => k.includes('node_modules/undici/'));
        const { VeriffClient } = require(${JSON.stringify(out)});
        const c = new VeriffClient({ apiUrl: 'https://stationapi.veriff.com', apiKey: 'k', sharedSecret: 's' });
        const before = loaded();
        c.deleteSession('not-a-uuid').then((o) => {
          const afterInvalid = loaded();
          c.getDecision('${UNKNOWN_ID}', { signal: AbortSignal.abort() }).then(() => {
            const { isUndiciLoaded } = require(${JSON.stringify(path.resolve(__dirname, '../../src/core/http/dispatcher.js'))});
            process.stdout.write(JSON.stringify([before, afterInvalid, loaded() || isUndiciLoaded()]));
          });
        });
      `;
      const result = JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' })) as boolean[];
      assert.deepEqual(result, [false, false, false]);
    });

    it('the first real request loads undici', () => {
      const out = path.resolve(__dirname, '../../src/core/veriffClient.js');
      const script = `
        const { VeriffClient, closeAllDispatchers } = require(${JSON.stringify(out)});
        const c = new VeriffClient({ apiUrl: 'http://127.0.0.1:9', apiKey: 'k', sharedSecret: 's', getRetryDelays: () => [] });
        c.getDecision('${UNKNOWN_ID}').then(async (o) => {
          await closeAllDispatchers();
          process.stdout.write(JSON.stringify([o.kind, Object.keys(require.cache).some((k) => k.includes('node_modules/undici/'))]));
        });
      `;
      assert.deepEqual(JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' })), ['network', true]);
    });
  });

  describe('the request log', () => {
    it('one entry per attempt with method, path, status, code, duration and signature', async () => {
      const s = mock.server.seedSession(mock.apiKey, { status: 'submitted' });
      await client().deleteSession(s.id);
      assert.equal(logs.length, 1);
      const [e] = logs;
      assert.deepEqual(
        { ...e, durationMs: 0 },
        {
          method: 'DELETE',
          path: `/v1/sessions/${s.id}`,
          http: 400,
          code: '1305',
          message: 'Session is not in a completed status.',
          durationMs: 0,
          signature: 'valid',
          outcome: 'veriffError',
          attempt: 1,
        },
      );
      assert.ok(e!.durationMs > 0 && e!.durationMs < 2000);
    });

    it('never holds the API key, the shared secret or a signature', async () => {
      const s = mock.server.seedSession(mock.apiKey, { status: 'submitted' });
      const gone = mock.server.seedSession(mock.apiKey, { status: 'approved' });
      const c = client();
      await c.deleteSession(s.id);
      await c.getStatus(gone.id);
      await c.deleteSession(gone.id);
      await c.createSession({ vendorData: 'v' });
      await client({ sharedSecret: 'wrong-secret-value' }).deleteSession(s.id);
      mock.server.injectFault('http500', { times: 3 });
      await c.getDecision(s.id);
      mock.server.injectFault('drop');
      await c.deleteSession(s.id);
      const p = await proxy();
      await client({ proxy: { url: p.url } }).getDecision(s.id);
      // A server that echoes the credentials back in its error message.
      const raw = await rawServer((req, res) =>
        reply(res, 401, JSON.stringify({ status: 'fail', code: 1812, message: `bad ${String(req.headers['x-auth-client'])} / ${String(req.headers['x-hmac-signature'])}` })),
      );
      await client({ apiUrl: raw.url }).deleteSession(s.id);

      const signatures = [
        ...mock.server.requests.map((r) => r.signature).filter((x): x is string => !!x),
        sign(s.id, mock.sharedSecret),
        sign(gone.id, mock.sharedSecret),
      ];
      const secrets = [mock.apiKey, mock.sharedSecret, 'wrong-secret-value', ...signatures];
      const text = JSON.stringify(logs) + '\n' + logs.map((l) => formatLogLine(l, maskApiKey(mock.apiKey))).join('\n');
      assert.equal(logs.length, 11, 'every attempt above was logged');
      for (const secret of secrets) {
        assert.equal(text.toLowerCase().includes(secret.toLowerCase()), false, `log holds ${secret.slice(0, 6)}…`);
      }
      assert.match(text, /bad \*\*\* \/ \*\*\*/);
    });

    it('a logger that throws does not change the outcome', async () => {
      const s = mock.server.seedSession(mock.apiKey, { status: 'approved' });
      const o = await client({
        onRequestLog: () => {
          throw new Error('logger broke');
        },
      }).deleteSession(s.id);
      expectKind(o, 'ok');
    });
  });

  describe('formatLogLine', () => {
    const base: ApiCallLogEntry = {
      method: 'DELETE',
      path: '/v1/sessions/aea9ba6d-1b47-47fc-a4fc-f72b6d3584a7',
      http: 400,
      code: '1305',
      message: 'Session is not in a completed status.',
      durationMs: 12.4,
      signature: 'valid',
      outcome: 'veriffError',
      attempt: 1,
    };

    it('writes status, code, message, duration, signature, masked key and the explanation', () => {
      const line = formatLogLine(base, 'ca4a…');
      assert.ok(
        line.startsWith('DELETE /v1/sessions/aea9…84a7 → 400 code 1305 "Session is not in a completed status." 12 ms, signature valid, key ca4a… — '),
        line,
      );
      assert.match(line, /Wait for the decision/);
    });

    it('shortens ids inside longer paths and notes retries and proxies', () => {
      const line = formatLogLine(
        { ...base, method: 'GET', path: `${base.path}/decision`, http: 200, code: undefined, message: undefined, outcome: 'ok', attempt: 2, durationMs: 3.25, proxy: 'http://corp:3128' },
        'ca4a…',
      );
      assert.equal(line, 'GET /v1/sessions/aea9…84a7/decision → 200 3.3 ms, signature valid, attempt 2, via proxy http://corp:3128, key ca4a…');
    });

    it('explains network failures, timeouts and invalid signatures', () => {
      const net = formatLogLine({ ...base, http: undefined, code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:9', outcome: 'network', signature: 'n/a' }, 'ca4a…');
      assert.match(net, /→ network ECONNREFUSED "connect ECONNREFUSED 127\.0\.0\.1:9" .* — could not reach Veriff/);
      assert.match(formatLogLine({ ...base, http: undefined, code: undefined, outcome: 'timeout', signature: 'n/a' }, 'k…'), /→ timeout .* refresh the status/);
      assert.match(formatLogLine({ ...base, http: 200, code: undefined, message: undefined, outcome: 'ok', signature: 'invalid' }, 'k…'), /signature does not match/);
    });
  });
});
