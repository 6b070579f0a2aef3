// dist/undici.js as the extension loads it: the parts of undici the client uses, with HTTP/2,
// FormData bodies and the SIMD llhttp left out (esbuild.mjs). The client's requests go through it
// here over real loopback sockets: straight through a pool, and through a proxy's CONNECT tunnel.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import type * as Undici from 'undici';
import { exchange, type ExchangeResult } from '../../src/core/http/exchange';
import { startTestProxy, type TestProxy } from '../support/httpProxy';

const repoRoot = path.resolve(__dirname, '..', '..', '..');
const bundlePath = path.join(repoRoot, 'dist', 'undici.js');

type Bundle = { Pool: typeof Undici.Pool; ProxyAgent: typeof Undici.ProxyAgent };

describe('dist/undici.js (the bundled HTTP stack)', function () {
  this.timeout(20000);
  let bundle: Bundle;
  let server: Server;
  let origin: string;
  const closers: Array<() => Promise<unknown>> = [];

  before(async function () {
    if (!fs.existsSync(bundlePath)) {
      throw new Error('dist/undici.js is missing: run `npm run build` (npm test builds first)');
    }
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    bundle = require(bundlePath) as Bundle;
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ method: req.method, url: req.url, body, big: 'x'.repeat(100_000) }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterEach(async () => {
    await Promise.all(closers.splice(0).map((close) => close()));
  });

  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  function answerOf(result: ExchangeResult): { status: number; json: { method: string; url: string; body: string; big: string } } {
    assert.equal(result.kind, 'answer', JSON.stringify(result));
    if (result.kind !== 'answer') throw new Error('unreachable');
    return { status: result.status, json: JSON.parse(result.body.toString('utf8')) };
  }

  it('sends a DELETE and a POST with a body through a Pool and parses the whole answer (portable llhttp)', async () => {
    const pool = new bundle.Pool(origin, { connections: 2 });
    closers.push(() => pool.close());
    const del = answerOf(await exchange(pool, { origin, path: '/v1/sessions/abc', method: 'DELETE', headers: {}, timeoutMs: 5000 }));
    assert.equal(del.status, 200);
    assert.deepEqual([del.json.method, del.json.url, del.json.big.length], ['DELETE', '/v1/sessions/abc', 100_000]);
    const post = answerOf(
      await exchange(pool, { origin, path: '/v1/sessions', method: 'POST', headers: { 'content-type': 'application/json' }, body: Buffer.from('{"a":1}'), timeoutMs: 5000 }),
    );
    assert.deepEqual([post.json.method, post.json.body], ['POST', '{"a":1}']);
  });

  it('tunnels through a proxy with ProxyAgent (CONNECT) and sends its Proxy-Authorization', async () => {
    const proxy: TestProxy = await startTestProxy();
    closers.push(() => proxy.close());
    const agent = new bundle.ProxyAgent({ uri: proxy.url, token: 'Basic dXNlcjpwYXNz' });
    closers.push(() => agent.close());
    const got = answerOf(await exchange(agent, { origin, path: '/v1/sessions/xyz/decision', method: 'GET', headers: {}, timeoutMs: 5000 }));
    assert.equal(got.json.url, '/v1/sessions/xyz/decision');
    assert.deepEqual(proxy.connects, [new URL(origin).host]);
    assert.deepEqual(proxy.proxyAuthorizations, ['Basic dXNlcjpwYXNz']);
  });

  it('holds one copy of llhttp (the portable build) and none of HTTP/2 or fetch', () => {
    const text = fs.readFileSync(bundlePath, 'utf8');
    assert.equal(text.match(/[A-Za-z0-9+/]{10000,}/g)?.length, 1, 'one embedded WebAssembly parser');
    for (const marker of ['HTTP2_HEADER_', 'remoteSettings', 'multipart/form-data; boundary', 'webidl']) {
      assert.ok(!text.includes(marker), `${marker} is not bundled`);
    }
  });
});
