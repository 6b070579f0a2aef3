import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { sign, verifySignature } from '../../src/core/signing';
import { VERIFF_STATUSES, VeriffStatus } from '../../src/core/status';
import {
  CANARY_API_KEY,
  DAY_MS,
  HOUR_MS,
  MAX_BODY_BYTES,
  ManualClock,
  MockVeriff,
  SandboxState,
  VeriffServer,
  signedHeaders,
  startMockVeriff,
} from '../support/mockVeriff';

interface Answer {
  status: number;
  headers: Headers;
  text: string;
  /** Parsed body, undefined when it is not JSON. */
  json: any;
}

async function answer(res: Response): Promise<Answer> {
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

/** Signs with the mock's canary credentials unless told otherwise. */
function creds(m: MockVeriff, override: { apiKey?: string; secret?: string } = {}): { apiKey: string; secret: string } {
  return { apiKey: override.apiKey ?? m.apiKey, secret: override.secret ?? m.sharedSecret };
}

async function getSession(m: MockVeriff, id: string, what: 'decision' | 'attempts', as: { apiKey?: string; secret?: string } = {}): Promise<Answer> {
  const c = creds(m, as);
  return answer(await fetch(`${m.server.url}/v1/sessions/${id}/${what}`, { headers: signedHeaders(c.apiKey, c.secret, id) }));
}

async function deleteSession(m: MockVeriff, id: string, as: { apiKey?: string; secret?: string } = {}): Promise<Answer> {
  const c = creds(m, as);
  return answer(await fetch(`${m.server.url}/v1/sessions/${id}`, { method: 'DELETE', headers: signedHeaders(c.apiKey, c.secret, id) }));
}

async function createSession(m: MockVeriff, body: unknown, opts: { signed?: boolean } = {}): Promise<Answer> {
  const raw = typeof body === 'string' ? body : JSON.stringify(body);
  const headers = signedHeaders(m.apiKey, m.sharedSecret, raw);
  if (opts.signed === false) {
    delete headers['X-HMAC-SIGNATURE'];
  }
  return answer(await fetch(`${m.server.url}/v1/sessions`, { method: 'POST', headers, body: raw }));
}

async function patchSession(m: MockVeriff, id: string, body: unknown, signedPayload?: string): Promise<Answer> {
  const raw = JSON.stringify(body);
  return answer(
    await fetch(`${m.server.url}/v1/sessions/${id}`, {
      method: 'PATCH',
      headers: signedHeaders(m.apiKey, m.sharedSecret, signedPayload ?? raw),
      body: raw,
    }),
  );
}

function assertFail(a: Answer, status: number, code: number, message?: string): void {
  assert.equal(a.status, status, a.text);
  assert.equal(a.json?.status, 'fail');
  assert.equal(a.json?.code, code);
  if (message !== undefined) {
    assert.equal(a.json.message, message);
  }
}

function assertSignedBy(a: Answer, m: MockVeriff): void {
  assert.equal(a.headers.get('x-auth-client'), m.apiKey);
  assert.ok(verifySignature(a.text, a.headers.get('x-hmac-signature'), m.sharedSecret), 'response signature must verify');
}

/** Runs `count` successful deletes of fresh sessions. */
async function deleteFresh(m: MockVeriff, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const { id } = m.server.seedSession(m.apiKey);
    const a = await deleteSession(m, id);
    assert.equal(a.status, 200, `delete ${i + 1}: ${a.text}`);
  }
}

describe('mock Veriff server', () => {
  let m: MockVeriff;

  beforeEach(async () => {
    m = await startMockVeriff();
  });

  afterEach(async () => {
    await m.server.close();
  });

  describe('authentication', () => {
    it('accepts a request signed over the session id', async () => {
      const { id } = m.server.seedSession(m.apiKey, { status: 'approved' });
      const a = await getSession(m, id, 'decision');
      assert.equal(a.status, 200, a.text);
      assert.equal(a.json.verification.id, id);
    });

    it('refuses a wrong signature with 401 code 1812', async () => {
      const { id } = m.server.seedSession(m.apiKey);
      const a = await getSession(m, id, 'decision', { secret: 'not-the-secret' });
      assertFail(a, 401, 1812, 'Signature verification failed.');
      assertSignedBy(a, m);
    });

    it('refuses a signature over the wrong payload', async () => {
      const { id } = m.server.seedSession(m.apiKey);
      const res = await fetch(`${m.server.url}/v1/sessions/${id}`, {
        method: 'DELETE',
        headers: signedHeaders(m.apiKey, m.sharedSecret, JSON.stringify({ id })),
      });
      assertFail(await answer(res), 401, 1812);
      assert.ok(m.server.state.getSession(id), 'the session must survive');
    });

    it('refuses a missing signature on GET and DELETE', async () => {
      const { id } = m.server.seedSession(m.apiKey);
      const headers = { 'X-AUTH-CLIENT': m.apiKey };
      assertFail(await answer(await fetch(`${m.server.url}/v1/sessions/${id}/attempts`, { headers })), 401, 1812);
      assertFail(await answer(await fetch(`${m.server.url}/v1/sessions/${id}`, { method: 'DELETE', headers })), 401, 1812);
    });

    it('refuses a missing X-AUTH-CLIENT with 401 code 1101, unsigned', async () => {
      const { id } = m.server.seedSession(m.apiKey);
      const res = await fetch(`${m.server.url}/v1/sessions/${id}`, {
        method: 'DELETE',
        headers: { 'X-HMAC-SIGNATURE': sign(id, m.sharedSecret) },
      });
      const a = await answer(res);
      assertFail(a, 401, 1101, 'Mandatory X-AUTH-CLIENT header containing the API key is missing from the request.');
      assert.equal(a.headers.get('x-hmac-signature'), null);
    });

    it('refuses an unknown API key with 401 code 1803', async () => {
      const { id } = m.server.seedSession(m.apiKey);
      assertFail(await getSession(m, id, 'decision', { apiKey: randomUUID() }), 401, 1803, 'Integration not found.');
    });

    it('signs answers with the integration secret over the raw body bytes', async () => {
      const { id } = m.server.seedSession(m.apiKey, { status: 'declined', vendorData: 'ünïcödé ✓' });
      const a = await getSession(m, id, 'decision');
      assert.equal(a.status, 200);
      assert.match(a.headers.get('content-type') ?? '', /^application\/json/);
      assert.equal(a.headers.get('x-hmac-signature'), sign(Buffer.from(a.text, 'utf8'), m.sharedSecret));
      assertSignedBy(a, m);
      assert.equal(a.json.verification.vendorData, 'ünïcödé ✓');
    });

    it("answers 404 code 1101 for an unknown id and for another integration's session", async () => {
      assertFail(await getSession(m, randomUUID(), 'decision'), 404, 1101, 'Resource not found');
      const otherKey = randomUUID();
      m.server.addIntegration(otherKey, 'other-secret');
      const { id } = m.server.seedSession(otherKey, { status: 'approved' });
      const a = await getSession(m, id, 'decision');
      assertFail(a, 404, 1101);
      assertSignedBy(a, m);
      assert.equal((await getSession(m, id, 'decision', { apiKey: otherKey, secret: 'other-secret' })).status, 200);
    });

    it('answers 400 code 1002 for a malformed session id', async () => {
      assertFail(await getSession(m, 'not-a-uuid', 'decision'), 400, 1002);
    });

    it('answers 404 code 1101 for unknown routes', async () => {
      const a = await answer(await fetch(`${m.server.url}/v1/nothing`, { headers: signedHeaders(m.apiKey, m.sharedSecret, '') }));
      assertFail(a, 404, 1101);
      assertSignedBy(a, m);
      assertFail(await answer(await fetch(`${m.server.url}/v1/sessions`)), 404, 1101);
    });

    it('keeps the shared secret out of the request log', async () => {
      const { id } = m.server.seedSession(m.apiKey);
      await deleteSession(m, id);
      assert.equal(m.server.requests.length, 1);
      assert.ok(!JSON.stringify(m.server.requests).includes(m.sharedSecret));
    });
  });

  describe('DELETE /v1/sessions/{id}', () => {
    it('deletes a deletable session and answers with its id', async () => {
      const { id } = m.server.seedSession(m.apiKey, { status: 'approved' });
      const a = await deleteSession(m, id);
      assert.equal(a.status, 200, a.text);
      assert.deepEqual(a.json, { status: 'success', verification: { id } });
      assertSignedBy(a, m);
      assert.equal(m.server.state.getSession(id), undefined);
      assertFail(await getSession(m, id, 'decision'), 404, 1101);
    });

    it('reads a body sent with a DELETE, by length or in chunks, and logs none for a DELETE without one', async () => {
      // Node frames a DELETE's body only when told how: by Content-Length or Transfer-Encoding.
      const send = (id: string, chunks: string[] | undefined, framing?: number | 'chunked'): Promise<number> =>
        new Promise((resolve, reject) => {
          const headers: Record<string, string | number> = signedHeaders(m.apiKey, m.sharedSecret, id);
          if (framing === 'chunked') headers['Transfer-Encoding'] = 'chunked';
          else if (framing !== undefined) headers['Content-Length'] = framing;
          const req = httpRequest({ host: '127.0.0.1', port: m.server.port, method: 'DELETE', path: `/v1/sessions/${id}`, headers }, (res) => {
            res.resume();
            res.on('end', () => resolve(res.statusCode ?? 0));
          });
          req.on('error', reject);
          for (const chunk of chunks ?? []) req.write(chunk);
          req.end();
        });
      const ids = [0, 1, 2].map(() => m.server.seedSession(m.apiKey, { status: 'approved' }).id);
      assert.equal(await send(ids[0], ['{"a":1}'], 7), 200);
      assert.equal(await send(ids[1], ['{"b":', '2}'], 'chunked'), 200);
      assert.equal(await send(ids[2], undefined), 200);
      assert.deepEqual(
        m.server.requests.map((e) => [e.method, e.body, e.status]),
        [
          ['DELETE', '{"a":1}', 200],
          ['DELETE', '{"b":2}', 200],
          ['DELETE', '', 200],
        ],
      );
    });

    it('refuses the sixth delete within an hour with 429 code 1004, and allows it an hour later', async () => {
      await deleteFresh(m, 5);
      const { id } = m.server.seedSession(m.apiKey);
      const refused = await deleteSession(m, id);
      assertFail(refused, 429, 1004, 'Too many requests.');
      assertSignedBy(refused, m);
      assert.equal(refused.headers.get('retry-after'), null, 'Veriff does not document Retry-After');
      assert.ok(m.server.state.getSession(id), 'a refused delete must not delete');
      m.clock.advance(HOUR_MS - 1);
      assertFail(await deleteSession(m, id), 429, 1004);
      m.clock.advance(1);
      assert.equal((await deleteSession(m, id)).status, 200);
    });

    it('lets a 429 take no slot', async () => {
      await deleteFresh(m, 5);
      m.clock.advance(30 * 60 * 1000);
      for (let i = 0; i < 3; i++) {
        assertFail(await deleteSession(m, randomUUID()), 429, 1004);
      }
      m.clock.advance(30 * 60 * 1000);
      await deleteFresh(m, 5);
      assert.equal(m.server.state.deleteBudget(m.apiKey).usedLastDay, 10);
    });

    it('refuses the eleventh delete within 24 hours even after an hour', async () => {
      const start = m.clock.now();
      await deleteFresh(m, 5);
      m.clock.advance(HOUR_MS);
      await deleteFresh(m, 5);
      m.clock.advance(HOUR_MS);
      const { id } = m.server.seedSession(m.apiKey);
      assertFail(await deleteSession(m, id), 429, 1004);
      assert.equal(m.server.state.deleteBudget(m.apiKey).nextSlotAt, start + DAY_MS);
      m.clock.set(start + DAY_MS - 1);
      assertFail(await deleteSession(m, id), 429, 1004);
      m.clock.set(start + DAY_MS);
      assert.equal((await deleteSession(m, id)).status, 200);
    });

    it('sends Retry-After in seconds only when the state asks for it', async () => {
      m.server.state.sendRetryAfter = true;
      await deleteFresh(m, 5);
      m.clock.advance(10 * 60 * 1000);
      const a = await deleteSession(m, randomUUID());
      assertFail(a, 429, 1004);
      assert.equal(a.headers.get('retry-after'), String(50 * 60));
    });

    it('keeps a separate budget per API key', async () => {
      await deleteFresh(m, 5);
      const otherKey = randomUUID();
      m.server.addIntegration(otherKey, 'other-secret');
      const { id } = m.server.seedSession(otherKey);
      assert.equal((await deleteSession(m, id, { apiKey: otherKey, secret: 'other-secret' })).status, 200);
    });

    it('refuses submitted and review sessions with 400 code 1305', async () => {
      for (const status of ['submitted', 'review'] as const) {
        const { id } = m.server.seedSession(m.apiKey, { status });
        const a = await deleteSession(m, id);
        assertFail(a, 400, 1305, 'Session is not in a completed status.');
        assertSignedBy(a, m);
        assert.ok(m.server.state.getSession(id), `${status} session must survive`);
      }
    });

    it('refuses a session whose end user is in the flow with 400 code 1306', async () => {
      const { id } = m.server.seedSession(m.apiKey, { status: 'started', inFlow: true });
      assertFail(await deleteSession(m, id), 400, 1306, 'Session in progress.');
      m.server.setInFlow(id, false);
      assert.equal((await deleteSession(m, id)).status, 200);
    });

    it('answers 404 code 1101 for an unknown id', async () => {
      assertFail(await deleteSession(m, randomUUID()), 404, 1101, 'Resource not found');
    });

    it('counts every authenticated DELETE, failed ones included', async () => {
      const submitted = m.server.seedSession(m.apiKey, { status: 'submitted' }).id;
      const inFlow = m.server.seedSession(m.apiKey, { status: 'started', inFlow: true }).id;
      assertFail(await deleteSession(m, randomUUID()), 404, 1101);
      assertFail(await deleteSession(m, submitted), 400, 1305);
      assertFail(await deleteSession(m, inFlow), 400, 1306);
      assertFail(await deleteSession(m, 'not-a-uuid'), 400, 1002);
      await deleteFresh(m, 1);
      assertFail(await deleteSession(m, randomUUID()), 429, 1004);
      const logged = m.server.deleteRequests(m.apiKey);
      assert.deepEqual(
        logged.map((e) => [e.status, e.code]),
        [[404, 1101], [400, 1305], [400, 1306], [400, 1002], [200, undefined], [429, 1004]],
      );
      assert.equal(m.server.state.deleteBudget(m.apiKey).usedLastHour, 5);
    });

    it('takes no slot for a DELETE that fails authentication', async () => {
      for (let i = 0; i < 6; i++) {
        assertFail(await deleteSession(m, randomUUID(), { secret: 'wrong' }), 401, 1812);
      }
      assert.equal(m.server.state.deleteBudget(m.apiKey).usedLastDay, 0);
      await deleteFresh(m, 5);
    });

    it('answers 403 code 1301 when the integration lacks the delete feature, taking no slot', async () => {
      const key = randomUUID();
      m.server.addIntegration(key, 'no-delete-secret', { deleteEnabled: false });
      const { id } = m.server.seedSession(key, { status: 'approved' });
      assertFail(await deleteSession(m, id, { apiKey: key, secret: 'no-delete-secret' }), 403, 1301);
      assert.equal(m.server.state.deleteBudget(key).usedLastDay, 0);
      assert.ok(m.server.state.getSession(id));
    });
  });

  describe('POST /v1/sessions', () => {
    it('creates a session and answers 201 with its verification', async () => {
      const a = await createSession(m, {
        verification: { callback: 'https://example.com/cb', person: { firstName: 'John' }, vendorData: 'tenant-1', endUserId: randomUUID() },
      });
      assert.equal(a.status, 201, a.text);
      assertSignedBy(a, m);
      const v = a.json.verification;
      assert.equal(a.json.status, 'success');
      assert.match(v.id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      assert.equal(v.status, 'created');
      assert.equal(v.vendorData, 'tenant-1');
      assert.equal(v.host, m.server.url);
      assert.equal(v.url, `${m.server.url}/v/${v.sessionToken}`);
      assert.ok(v.sessionToken.length > 10);
      assert.equal(m.server.state.getSession(v.id)?.apiKey, m.apiKey);
      const page = await fetch(v.url);
      assert.equal(page.status, 200);
      assert.match(await page.text(), new RegExp(v.id));
    });

    it('accepts the minimal body without a signature, and checks one when present', async () => {
      const unsigned = await createSession(m, { verification: {} }, { signed: false });
      assert.equal(unsigned.status, 201, unsigned.text);
      assert.equal(unsigned.json.verification.vendorData, null);
      const res = await fetch(`${m.server.url}/v1/sessions`, {
        method: 'POST',
        headers: signedHeaders(m.apiKey, m.sharedSecret, '{"verification":{}}'),
        body: '{"verification": {}}',
      });
      assertFail(await answer(res), 401, 1812);
      assert.equal(m.server.state.listSessions().length, 1);
    });

    it('validates the body like Veriff', async () => {
      const cases: [unknown, number][] = [
        [{}, 1102],
        [{ verification: 'x' }, 1102],
        [{ verification: { callback: 'http://example.com/cb' } }, 1302],
        [{ verification: { callback: 'not a url' } }, 1302],
        [{ verification: { vendorData: 42 } }, 1501],
        [{ verification: { vendorData: 'x'.repeat(1001) } }, 1500],
        [{ verification: { endUserId: 'user-1' } }, 1104],
        [{ verification: { person: 'John' } }, 1104],
        ['{"verification":', 1104],
      ];
      for (const [body, code] of cases) {
        const a = await createSession(m, body);
        assertFail(a, 400, code);
        assertSignedBy(a, m);
      }
      assert.equal(m.server.state.listSessions().length, 0);
      assert.equal((await createSession(m, { verification: { vendorData: 'x'.repeat(1000) } })).status, 201);
    });

    it('answers 413 to a body over the limit', async () => {
      const raw = JSON.stringify({ verification: { vendorData: 'x'.repeat(MAX_BODY_BYTES) } });
      const a = await answer(await fetch(`${m.server.url}/v1/sessions`, { method: 'POST', headers: { 'X-AUTH-CLIENT': m.apiKey }, body: raw }));
      assert.equal(a.status, 413);
      assert.equal(m.server.requests[0].body, '');
    });
  });

  describe('PATCH /v1/sessions/{id}', () => {
    it('moves a created or started session to submitted', async () => {
      for (const status of ['created', 'started'] as const) {
        const { id } = m.server.seedSession(m.apiKey, { status, inFlow: status === 'started' });
        const a = await patchSession(m, id, { verification: { status: 'submitted' } });
        assert.equal(a.status, 200, a.text);
        assertSignedBy(a, m);
        assert.equal(a.json.verification.status, 'submitted');
        assert.equal(m.server.state.getSession(id)?.status, 'submitted');
        assert.equal((await getSession(m, id, 'decision')).json.verification, null);
      }
    });

    it('refuses other statuses with 1303 and other transitions with 1304', async () => {
      const { id } = m.server.seedSession(m.apiKey);
      assertFail(await patchSession(m, id, { verification: { status: 'approved' } }), 400, 1303);
      assertFail(await patchSession(m, id, { verification: {} }), 400, 1102);
      const approved = m.server.seedSession(m.apiKey, { status: 'approved' }).id;
      assertFail(await patchSession(m, approved, { verification: { status: 'submitted' } }), 400, 1304);
      assert.equal(m.server.state.getSession(approved)?.status, 'approved');
    });

    it('requires the signature over the body, not the id', async () => {
      const { id } = m.server.seedSession(m.apiKey);
      assertFail(await patchSession(m, id, { verification: { status: 'submitted' } }, id), 401, 1812);
      assert.equal(m.server.state.getSession(id)?.status, 'created');
    });
  });

  describe('decision and attempts', () => {
    const expectedCodes: Partial<Record<VeriffStatus, number>> = {
      approved: 9001,
      declined: 9102,
      resubmission_requested: 9103,
      expired: 9104,
      abandoned: 9104,
    };

    for (const status of VERIFF_STATUSES) {
      it(`reports the decision and attempts of a ${status} session`, async () => {
        const { id, createdAt } = m.server.seedSession(m.apiKey, { status, vendorData: 'v-1' });
        const decision = await getSession(m, id, 'decision');
        assert.equal(decision.status, 200);
        assertSignedBy(decision, m);
        const code = expectedCodes[status];
        if (code === undefined) {
          assert.deepEqual(decision.json, { status: 'success', verification: null });
        } else {
          const v = decision.json.verification;
          assert.equal(v.id, id);
          assert.equal(v.status, status);
          assert.equal(v.code, code);
          assert.equal(v.reason, null);
          assert.equal(v.vendorData, 'v-1');
          assert.equal(v.acceptanceTime, new Date(createdAt).toISOString());
          assert.equal(v.decisionTime, new Date(m.clock.now()).toISOString());
        }
        const attempts = await getSession(m, id, 'attempts');
        assert.equal(attempts.status, 200);
        assert.equal(attempts.json.status, 'success');
        const expected = status === 'created' || status === 'expired' ? [] : [status];
        assert.deepEqual(
          attempts.json.verifications.map((a: { status: string }) => a.status),
          expected,
        );
        for (const a of attempts.json.verifications) {
          assert.equal(a.createdTime, new Date(m.clock.now()).toISOString());
        }
      });
    }

    it('opens a new attempt after a resubmission request', async () => {
      const { id } = m.server.seedSession(m.apiKey, { status: 'started' });
      m.server.setStatus(id, 'submitted');
      m.server.setStatus(id, 'resubmission_requested');
      m.clock.advance(1000);
      m.server.setStatus(id, 'started');
      m.server.setStatus(id, 'approved');
      const a = await getSession(m, id, 'attempts');
      assert.deepEqual(
        a.json.verifications.map((v: { status: string }) => v.status),
        ['resubmission_requested', 'approved'],
      );
    });
  });

  describe('faults', () => {
    it('http500 answers 500 code 1101 once, without processing', async () => {
      const { id } = m.server.seedSession(m.apiKey);
      m.server.injectFault('http500');
      const a = await deleteSession(m, id);
      assertFail(a, 500, 1101, 'Something went wrong');
      assertSignedBy(a, m);
      assert.ok(m.server.state.getSession(id));
      assert.equal((await deleteSession(m, id)).status, 200);
      assert.deepEqual(
        m.server.requests.map((e) => [e.status, e.fault]),
        [[500, 'http500'], [200, undefined]],
      );
    });

    it('delay holds the answer for the given time', async () => {
      const { id } = m.server.seedSession(m.apiKey);
      m.server.injectFault({ kind: 'delay', ms: 150 });
      const started = performance.now();
      const a = await getSession(m, id, 'decision');
      assert.ok(performance.now() - started >= 140, 'the answer came too early');
      assert.equal(a.status, 200);
      m.server.injectFault({ kind: 'delay', ms: 2000 });
      await assert.rejects(
        fetch(`${m.server.url}/v1/sessions/${id}/decision`, { headers: signedHeaders(m.apiKey, m.sharedSecret, id), signal: AbortSignal.timeout(50) }),
        (err: Error) => err.name === 'TimeoutError',
      );
    });

    it('releaseDelays answers the delayed requests at once, normally', async () => {
      const { id } = m.server.seedSession(m.apiKey, { status: 'approved' });
      m.server.injectFault({ kind: 'delay', ms: 60000 }, { times: 2 });
      const answers = [getSession(m, id, 'decision'), getSession(m, id, 'decision')];
      const deadline = Date.now() + 5000;
      while (m.server.delayedRequests < 2) {
        assert.ok(Date.now() < deadline, 'both requests reach the delay');
        await new Promise((r) => setTimeout(r, 10));
      }
      assert.equal(m.server.requests.length, 0, 'nothing answered yet');
      assert.equal(m.server.releaseDelays(), 2);
      assert.equal(m.server.delayedRequests, 0);
      for (const a of await Promise.all(answers)) {
        assert.equal(a.status, 200);
      }
      assert.equal(m.server.releaseDelays(), 0, 'nothing left waiting');
    });

    it('drop closes the connection without an answer and without processing', async () => {
      const { id } = m.server.seedSession(m.apiKey);
      m.server.injectFault('drop');
      await assert.rejects(deleteSession(m, id), TypeError);
      assert.ok(m.server.state.getSession(id));
      assert.deepEqual(
        m.server.requests.map((e) => [e.status, e.fault]),
        [[0, 'drop']],
      );
    });

    it('malformedJson answers 200 with a truncated, signed body', async () => {
      const { id } = m.server.seedSession(m.apiKey);
      m.server.injectFault('malformedJson');
      const a = await deleteSession(m, id);
      assert.equal(a.status, 200);
      assert.equal(a.json, undefined, 'the body must not parse');
      assertSignedBy(a, m);
    });

    it('html answers 502 with an unsigned HTML page', async () => {
      m.server.injectFault('html');
      const a = await deleteSession(m, randomUUID());
      assert.equal(a.status, 502);
      assert.match(a.headers.get('content-type') ?? '', /^text\/html/);
      assert.match(a.text, /502 Bad Gateway/);
      assert.equal(a.headers.get('x-hmac-signature'), null);
    });

    it('missingSignature and wrongSignature spoil the signature of a processed answer', async () => {
      const first = m.server.seedSession(m.apiKey).id;
      const second = m.server.seedSession(m.apiKey).id;
      m.server.injectFault('missingSignature');
      m.server.injectFault('wrongSignature');
      const missing = await deleteSession(m, first);
      assert.equal(missing.status, 200);
      assert.equal(missing.headers.get('x-auth-client'), m.apiKey);
      assert.equal(missing.headers.get('x-hmac-signature'), null);
      const wrong = await deleteSession(m, second);
      assert.equal(wrong.status, 200);
      assert.match(wrong.headers.get('x-hmac-signature') ?? '', /^[0-9a-f]{64}$/);
      assert.equal(verifySignature(wrong.text, wrong.headers.get('x-hmac-signature'), m.sharedSecret), false);
      assert.equal(m.server.state.listSessions().length, 0, 'both deletes must have happened');
    });

    it('status answers anything, with headers', async () => {
      m.server.injectFault({ kind: 'status', status: 503, body: { status: 'fail', code: '1101', message: 'busy' }, headers: { 'Retry-After': '7' } });
      const a = await deleteSession(m, randomUUID());
      assert.equal(a.status, 503);
      assert.equal(a.json.code, '1101');
      assert.equal(a.headers.get('retry-after'), '7');
      assertSignedBy(a, m);
      assert.equal(m.server.requests[0].code, '1101');
    });

    it('applies faults to matching requests in injection order, by count', async () => {
      const { id } = m.server.seedSession(m.apiKey, { status: 'approved' });
      m.server.injectFault('http500', { method: 'delete' });
      m.server.injectFault('html', { pathIncludes: '/attempts', times: 2 });
      m.server.injectFault({ kind: 'status', status: 418 });
      assert.equal((await getSession(m, id, 'decision')).status, 418);
      assert.equal((await getSession(m, id, 'attempts')).status, 502);
      assert.equal((await getSession(m, id, 'attempts')).status, 502);
      assert.equal((await getSession(m, id, 'attempts')).status, 200);
      assert.equal((await deleteSession(m, id)).status, 500);
      assert.equal((await deleteSession(m, id)).status, 200);
    });

    it('repeats an Infinity fault until cleared', async () => {
      const { id } = m.server.seedSession(m.apiKey);
      m.server.injectFault('http500', { times: Infinity });
      for (let i = 0; i < 4; i++) {
        assert.equal((await getSession(m, id, 'decision')).status, 500);
      }
      m.server.clearFaults();
      assert.equal((await getSession(m, id, 'decision')).status, 200);
    });

    it('rejects an unknown fault or count', () => {
      assert.throws(() => m.server.injectFault('explode' as never));
      assert.throws(() => m.server.injectFault('http500', { times: 0 }));
    });
  });

  describe('control API', () => {
    it('is off by default', async () => {
      const a = await answer(await fetch(`${m.server.url}/__control/requests`));
      assertFail(a, 404, 1101);
      const reset = await answer(await fetch(`${m.server.url}/__control/reset`, { method: 'POST' }));
      assertFail(reset, 404, 1101);
    });

    it('drives the server when on', async () => {
      const c = await startMockVeriff({ controlApi: true });
      try {
        const control = async (method: string, path: string, body?: unknown): Promise<Answer> =>
          answer(await fetch(`${c.server.url}/__control${path}`, { method, body: body === undefined ? undefined : JSON.stringify(body) }));

        const key = randomUUID();
        assert.equal((await control('POST', '/integrations', { apiKey: key, sharedSecret: 's2' })).status, 201);
        assert.equal(c.server.state.getIntegration(key)?.sharedSecret, 's2');

        const seeded = await control('POST', '/sessions', { apiKey: c.apiKey, status: 'started', vendorData: 'v' });
        assert.equal(seeded.status, 201, seeded.text);
        const id: string = seeded.json.session.id;
        assert.equal(c.server.state.getSession(id)?.vendorData, 'v');

        const moved = await control('POST', `/sessions/${id}/status`, { status: 'started', inFlow: true });
        assert.equal(moved.status, 200, moved.text);
        assertFail(await deleteSession(c, id), 400, 1306);
        await control('POST', `/sessions/${id}/status`, { status: 'review', inFlow: false });
        assert.equal(c.server.state.getSession(id)?.status, 'review');
        assert.equal((await control('POST', `/sessions/${id}/status`, { status: 'bogus' })).status, 400);

        const before = c.clock.now();
        const advanced = await control('POST', '/clock/advance', { ms: HOUR_MS });
        assert.equal(advanced.json.now, before + HOUR_MS);
        assert.equal(c.clock.now(), before + HOUR_MS);

        assert.equal((await control('POST', '/faults', { fault: 'http500', times: 2, method: 'GET' })).status, 201);
        assert.equal((await getSession(c, id, 'decision')).status, 500);
        assert.equal((await getSession(c, id, 'decision')).status, 500);
        assert.equal((await getSession(c, id, 'decision')).status, 200);

        const requests = await control('GET', '/requests');
        assert.equal(requests.json.requests.length, 4);
        assert.equal(requests.json.requests[0].code, 1306);

        assert.equal((await control('POST', '/reset')).status, 200);
        assert.equal(c.server.requests.length, 0);
        assert.equal(c.server.state.listSessions().length, 0);
        assert.ok(c.server.state.getIntegration(c.apiKey), 'integrations survive a reset');
        assert.equal((await control('GET', '/nothing')).status, 404);
      } finally {
        await c.server.close();
      }
    });

    it('refuses to advance a system clock', async () => {
      const s = await VeriffServer.start({ controlApi: true });
      try {
        const res = await fetch(`${s.url}/__control/clock/advance`, { method: 'POST', body: '{"ms":1}' });
        assert.equal(res.status, 409);
      } finally {
        await s.close();
      }
    });
  });

  describe('Host header (DNS rebinding)', () => {
    /** A raw request with a chosen Host header (fetch does not let a page, or a test, choose it). */
    function withHost(host: string | undefined, method: string, path: string, headers: Record<string, string> = {}): Promise<{ status: number; text: string }> {
      return new Promise((resolve, reject) => {
        const req = httpRequest({ host: '127.0.0.1', port: m.server.port, method, path, headers, setHost: host === undefined ? false : true }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        });
        if (host !== undefined) req.setHeader('Host', host);
        req.on('error', reject);
        req.end();
      });
    }

    it('refuses a request addressed to another host name, with a clear answer, changing nothing', async () => {
      const session = m.server.seedSession(m.apiKey, { status: 'approved' });
      const headers = signedHeaders(m.apiKey, m.sharedSecret, session.id);
      for (const host of ['rebind.attacker.example', `rebind.attacker.example:${m.server.port}`, `127.0.0.1:${m.server.port + 1}`, '127.0.0.1', `veriff.localhost:${m.server.port}`]) {
        const a = await withHost(host, 'DELETE', `/v1/sessions/${session.id}`, headers);
        assert.ok(a.status === 421 || a.status === 403, `${host}: ${a.status} ${a.text}`);
        assert.match(a.text, /Host/);
        assert.ok(!a.text.includes(m.sharedSecret));
      }
      const none = await withHost(undefined, 'GET', `/v1/sessions/${session.id}/decision`, headers);
      // Node's HTTP server itself refuses an HTTP/1.1 request without Host (400).
      assert.ok([400, 403, 421].includes(none.status), `no Host: ${none.status}`);
      assert.ok(m.server.state.getSession(session.id), 'nothing was deleted');
      assert.equal(m.server.state.deleteBudget(m.apiKey).usedLastHour, 0, 'no delete slot was taken');
      const ok = await withHost(`127.0.0.1:${m.server.port}`, 'GET', `/v1/sessions/${session.id}/decision`, headers);
      assert.equal(ok.status, 200, ok.text);
      const byName = await withHost(`localhost:${m.server.port}`, 'GET', `/v1/sessions/${session.id}/decision`, headers);
      assert.equal(byName.status, 200, byName.text);
    });

    it('guards the control API and the verification pages too', async () => {
      const c = await startMockVeriff({ controlApi: true });
      try {
        const res = await new Promise<number>((resolve, reject) => {
          const req = httpRequest({ host: '127.0.0.1', port: c.server.port, method: 'POST', path: '/__control/reset', headers: { Host: 'evil.example' } }, (r) => {
            r.resume();
            resolve(r.statusCode ?? 0);
          });
          req.on('error', reject);
          req.end('{}');
        });
        assert.ok(res === 421 || res === 403, String(res));
      } finally {
        await c.server.close();
      }
    });
  });

  describe('lifecycle', () => {
    it('listens on 127.0.0.1 only', () => {
      assert.match(m.server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.equal(m.server.url, `http://127.0.0.1:${m.server.port}`);
      assert.ok(m.server.port > 0);
    });

    it('frees the port on close, even with a kept-alive connection', async () => {
      const s = await VeriffServer.start();
      const port = s.port;
      await fetch(`${s.url}/v1/nothing`).then((r) => r.text());
      await s.close();
      const again = await VeriffServer.start({ port });
      try {
        assert.equal(again.port, port);
      } finally {
        await again.close();
      }
    });

    it('closes at once while a delayed request is pending, leaving no timer behind', async function () {
      this.timeout(10_000);
      // A child process exits on its own only when nothing (such as the 60 s delay timer) is left.
      const serverModule = JSON.stringify(join(__dirname, '../../src/sandbox/veriffServer.js'));
      const script = `
        const { VeriffServer } = require(${serverModule});
        (async () => {
          let arrived;
          const arrival = new Promise((resolve) => (arrived = resolve));
          const s = await VeriffServer.start({ clock: { now: () => (arrived(), 0) } });
          s.injectFault({ kind: 'delay', ms: 60000 });
          const pending = fetch(s.url + '/v1/sessions').then(() => 'answered', (e) => e.name);
          await arrival;
          await new Promise((resolve) => setImmediate(resolve));
          await s.close();
          process.stdout.write(await pending);
        })();`;
      const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
      try {
        let out = '';
        child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
        const [code] = (await once(child, 'exit')) as [number | null];
        assert.equal(code, 0);
        assert.equal(out, 'TypeError');
      } finally {
        child.kill();
      }
    });

    it('refuses a port in use', async () => {
      await assert.rejects(VeriffServer.start({ port: m.server.port }), /EADDRINUSE/);
    });

    it('refuses a clock that is not the state clock', async () => {
      await assert.rejects(VeriffServer.start({ state: new SandboxState(), clock: new ManualClock() }));
    });
  });

  describe('snapshot and restore', () => {
    it('round-trips sessions, integrations and the delete budget through JSON', async () => {
      const kept = m.server.seedSession(m.apiKey, { status: 'resubmission_requested', vendorData: 'keep' });
      m.server.seedSession(m.apiKey, { status: 'started', inFlow: true });
      await deleteFresh(m, 5);
      const snapshot = m.server.state.snapshot();
      const restored = new SandboxState({ clock: m.clock });
      assert.deepEqual(restored.restore(JSON.parse(JSON.stringify(snapshot))), { ok: true });
      assert.deepEqual(restored.snapshot(), snapshot);

      const s = await VeriffServer.start({ state: restored });
      try {
        const other: MockVeriff = { ...m, server: s };
        const decision = await getSession(other, kept.id, 'decision');
        assert.equal(decision.json.verification.vendorData, 'keep');
        assertFail(await deleteSession(other, kept.id), 429, 1004);
      } finally {
        await s.close();
      }
    });

    it('rejects a malformed snapshot and keeps the state', () => {
      const state = new SandboxState();
      state.addIntegration(CANARY_API_KEY, 'secret');
      const before = state.snapshot();
      const bad: unknown[] = [
        null,
        { version: 2, integrations: [], sessions: [], deleteLog: {} },
        { version: 1, integrations: [{ apiKey: 'k' }], sessions: [], deleteLog: {} },
        { ...before, sessions: [{ id: randomUUID(), apiKey: 'nobody', status: 'created' }] },
        { ...before, deleteLog: { k: ['x'] } },
      ];
      for (const data of bad) {
        const result = state.restore(data);
        assert.equal(result.ok, false, JSON.stringify(data));
      }
      assert.deepEqual(state.snapshot(), before);
    });
  });
});

describe('VeriffServer request log bound', () => {
  /** Unsigned GETs are answered 401 and logged: cheap requests for filling the log. */
  async function fill(server: { url: string }, apiKey: string, count: number): Promise<void> {
    for (let i = 0; i < count; i++) {
      await fetch(`${server.url}/v1/sessions/00000000-0000-4000-8000-${String(i).padStart(12, '0')}/decision`, { headers: { 'X-AUTH-CLIENT': apiKey } });
    }
  }

  it('keeps only the latest maxLoggedRequests entries, the oldest going first', async () => {
    const { VeriffServer } = await import('../support/mockVeriff');
    const server = await VeriffServer.start({ maxLoggedRequests: 20 });
    try {
      await fill(server, CANARY_API_KEY, 25);
      const log = server.requests;
      assert.equal(log.length, 20);
      assert.ok(log[log.length - 1].path.endsWith(`${String(24).padStart(12, '0')}/decision`), 'the newest is kept');
      assert.ok(log[0].path.endsWith(`${String(5).padStart(12, '0')}/decision`), 'the oldest 5 went first');
    } finally {
      await server.close();
    }
  });

  it('keeps MAX_LOGGED_REQUESTS (5000) by default', async () => {
    const { startMockVeriff, MAX_LOGGED_REQUESTS } = await import('../support/mockVeriff');
    assert.equal(MAX_LOGGED_REQUESTS, 5000);
    const { server, apiKey } = await startMockVeriff();
    try {
      await fill(server, apiKey, 30);
      assert.equal(server.requests.length, 30, 'far from the bound: all kept');
    } finally {
      await server.close();
    }
  });
});
