// Veriff's session API as the sandbox serves it: the routes, their checks and error codes
// (shared/veriff-api.md), and the answer bodies.
import { isUuid, normaliseSessionId } from '../core/ids';
import { isRecord } from '../core/typeGuards';
import type { VeriffStatus } from '../core/status';
import { MAX_VENDOR_DATA_LENGTH } from '../core/veriffLimits';
import { authenticate, integrationOf, type ApiRequest } from './auth';
import { HTML_TYPE, fail, json, notFound, ok, type Reply } from './reply';
import { parseJson, safeDecode } from './requestInput';
import type { SandboxState } from './sandboxState';
import { DECISION_STATUSES, type SandboxIntegration, type SandboxSession } from './sessionModel';

const NOT_DELETABLE: ReadonlySet<VeriffStatus> = new Set<VeriffStatus>(['submitted', 'review']);
const DECISION_CODES: Partial<Record<VeriffStatus, number>> = {
  approved: 9001,
  declined: 9102,
  resubmission_requested: 9103,
  expired: 9104,
  abandoned: 9104,
};
const SESSION_PATH = /^\/v1\/sessions\/([^/]+)(?:\/(decision|attempts))?$/;

/** The routes of the Veriff API over a sandbox state; `baseUrl` is the server's URL once it listens. */
export class VeriffApi {
  constructor(
    private readonly state: SandboxState,
    private readonly baseUrl: () => string,
  ) {}

  /** Answers `/v1/...` requests as Veriff does. */
  route(req: ApiRequest): Reply {
    if (req.pathname === '/v1/sessions') {
      return req.method === 'POST' ? this.createSession(req) : notFound(integrationOf(this.state, req));
    }
    const match = SESSION_PATH.exec(req.pathname);
    if (!match) {
      return notFound(integrationOf(this.state, req));
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
        return notFound(integrationOf(this.state, req));
    }
  }

  /** The page a session's `url` opens: a plain stand-in for Veriff's end-user flow. */
  verificationPage(token: string): Reply {
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

  private createSession(req: ApiRequest): Reply {
    const auth = authenticate(this.state, req, req.raw, true);
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
    const auth = authenticate(this.state, req, rawId, false);
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
    const auth = authenticate(this.state, req, req.method === 'PATCH' ? req.raw : rawId, false);
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

  private sessionView(session: SandboxSession): Record<string, unknown> {
    return {
      id: session.id,
      url: `${this.baseUrl()}/v/${session.sessionToken}`,
      vendorData: session.vendorData,
      host: this.baseUrl(),
      status: session.status,
      sessionToken: session.sessionToken,
    };
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

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
