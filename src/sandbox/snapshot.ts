// The plain-JSON form of the sandbox state (what `snapshot()` gives and `restore()` takes) and
// the checks a stored snapshot passes before it replaces the state.
import { normaliseSessionId } from '../core/ids';
import { isFiniteNumber, isRecord } from '../core/typeGuards';
import { isVeriffStatus } from '../core/status';
import type { SandboxAttempt, SandboxIntegration, SandboxSession } from './sessionModel';

/** Plain-JSON form of the state. It holds the sandbox integrations' shared secrets. */
export interface SandboxSnapshot {
  version: 1;
  integrations: SandboxIntegration[];
  sessions: SandboxSession[];
  /** Per API key, the epoch ms of each DELETE that took a slot within the last 24 h. */
  deleteLog: Record<string, number[]>;
}

export type RestoreResult = { ok: true } | { ok: false; reason: string };

/** The snapshot, checked and copied; a string says what is wrong with it. */
export function parseSnapshot(data: unknown): SandboxSnapshot | string {
  if (!isRecord(data) || data.version !== 1) {
    return 'not a version 1 sandbox snapshot';
  }
  const { integrations, sessions, deleteLog } = data;
  if (!Array.isArray(integrations) || !Array.isArray(sessions) || !isRecord(deleteLog)) {
    return 'integrations, sessions or deleteLog missing';
  }
  const outIntegrations: SandboxIntegration[] = [];
  for (const i of integrations) {
    if (!isRecord(i) || !isNonEmptyString(i.apiKey) || !isNonEmptyString(i.sharedSecret) || typeof i.deleteEnabled !== 'boolean') {
      return 'an integration is malformed';
    }
    outIntegrations.push({ apiKey: i.apiKey, sharedSecret: i.sharedSecret, deleteEnabled: i.deleteEnabled });
  }
  const apiKeys = new Set(outIntegrations.map((i) => i.apiKey));
  const outSessions: SandboxSession[] = [];
  const ids = new Set<string>();
  for (const s of sessions) {
    const session = parseSession(s);
    if (!session) {
      return 'a session is malformed';
    }
    if (!apiKeys.has(session.apiKey)) {
      return 'a session belongs to no integration';
    }
    if (ids.has(session.id)) {
      return 'a session id appears twice';
    }
    ids.add(session.id);
    outSessions.push(session);
  }
  const outLog: Record<string, number[]> = {};
  for (const [apiKey, times] of Object.entries(deleteLog)) {
    if (!Array.isArray(times) || !times.every(isFiniteNumber)) {
      return 'the delete log is malformed';
    }
    outLog[apiKey] = [...times];
  }
  return { version: 1, integrations: outIntegrations, sessions: outSessions, deleteLog: outLog };
}

function parseSession(s: unknown): SandboxSession | undefined {
  if (!isRecord(s) || typeof s.id !== 'string' || !isNonEmptyString(s.apiKey) || !isVeriffStatus(s.status)) {
    return undefined;
  }
  const id = normaliseSessionId(s.id);
  const attempts = Array.isArray(s.attempts) ? s.attempts.map(parseAttempt) : undefined;
  if (
    !id ||
    typeof s.inFlow !== 'boolean' ||
    !isStringOrNull(s.vendorData) ||
    !isStringOrNull(s.endUserId) ||
    !isNonEmptyString(s.sessionToken) ||
    !isFiniteNumber(s.createdAt) ||
    !(s.decidedAt === null || isFiniteNumber(s.decidedAt)) ||
    !attempts ||
    attempts.some((a) => a === undefined)
  ) {
    return undefined;
  }
  return {
    id,
    apiKey: s.apiKey,
    status: s.status,
    inFlow: s.inFlow,
    vendorData: s.vendorData,
    endUserId: s.endUserId,
    sessionToken: s.sessionToken,
    createdAt: s.createdAt,
    decidedAt: s.decidedAt,
    attempts: attempts as SandboxAttempt[],
  };
}

function parseAttempt(a: unknown): SandboxAttempt | undefined {
  if (!isRecord(a) || typeof a.id !== 'string' || !isVeriffStatus(a.status) || !isFiniteNumber(a.createdAt)) {
    return undefined;
  }
  return { id: a.id, status: a.status, createdAt: a.createdAt };
}

function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

function isStringOrNull(value: unknown): value is string | null {
  return value === null || typeof value === 'string';
}
