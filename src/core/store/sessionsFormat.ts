import type { Clock } from '../clock';
import { normaliseSessionId } from '../ids';
import { isRecord } from '../typeGuards';
import {
  cleanLabel,
  defaultLabel,
  freezeSession,
  SESSION_SOURCES,
  STATUS_GROUP_ORDER,
  type SessionError,
  type SessionSource,
  type TrackedSession,
} from '../sessions';
import type { SessionStatus } from '../status';

/** The tracked sessions of one integration, by id. */
export type IntegrationSessions = Map<string, TrackedSession>;

/** Serialised store: one entry per integration, labels stored once, sessions as compact records. */
export interface SessionStoreJSON {
  version: 1;
  integrations: IntegrationJSON[];
}

export interface IntegrationJSON {
  integrationId: string;
  labels: string[];
  sessions: SessionRecordJSON[];
}

export interface SessionRecordJSON {
  id: string;
  /** Index into the integration's `labels`. */
  l: number;
  s: SessionSource;
  /** addedAt */
  a: number;
  /** status; omitted when 'unknown' */
  st?: SessionStatus;
  /** statusFetchedAt */
  f?: number;
  /** lastError: message, code, at */
  e?: { m: string; c?: string | number; t: number };
  /** vendorData */
  v?: string;
}

export function integrationToJSON(integrationId: string, sessions: IntegrationSessions): IntegrationJSON {
  const labels: string[] = [];
  const labelIndex = new Map<string, number>();
  const records: SessionRecordJSON[] = [];
  for (const session of sessions.values()) {
    let l = labelIndex.get(session.label);
    if (l === undefined) {
      l = labels.push(session.label) - 1;
      labelIndex.set(session.label, l);
    }
    const record: SessionRecordJSON = { id: session.id, l, s: session.source, a: session.addedAt };
    if (session.status !== 'unknown') {
      record.st = session.status;
    }
    if (session.statusFetchedAt !== undefined) {
      record.f = session.statusFetchedAt;
    }
    if (session.lastError) {
      record.e = { m: session.lastError.message, t: session.lastError.at };
      if (session.lastError.code !== undefined) {
        record.e.c = session.lastError.code;
      }
    }
    if (session.vendorData !== undefined) {
      record.v = session.vendorData;
    }
    records.push(record);
  }
  return { integrationId, labels, sessions: records };
}

/** Individual warnings before the rest are summarised in one line. */
const MAX_WARNINGS = 20;

class WarningSink {
  private count = 0;
  constructor(private readonly onWarning: (message: string) => void) {}
  warn(message: string): void {
    this.count++;
    if (this.count <= MAX_WARNINGS) {
      this.onWarning(message);
    }
  }
  finish(): void {
    if (this.count > MAX_WARNINGS) {
      this.onWarning(`…and ${this.count - MAX_WARNINGS} more problems in the stored sessions`);
    }
  }
}

function isTime(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

/**
 * Reads stored state, never throwing. A record without a usable id (or integration) is dropped;
 * a record with a good id but a damaged field keeps being tracked with that field repaired, since
 * forgetting a session would leave its personal data at Veriff. Each problem is one warning.
 */
export function readStoreJSON(json: unknown, onWarning: (message: string) => void, clock: Clock): Map<string, IntegrationSessions> {
  const sink = new WarningSink(onWarning);
  const result = new Map<string, IntegrationSessions>();
  try {
    readInto(result, json, sink, clock);
  } catch (error) {
    // Defensive: the readers below check every shape, but stored state must never crash activation.
    sink.warn(`stored sessions unreadable: ${error instanceof Error ? error.message : String(error)}`);
  }
  sink.finish();
  return result;
}

function readInto(result: Map<string, IntegrationSessions>, json: unknown, sink: WarningSink, clock: Clock): void {
  let value = json;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      sink.warn('stored sessions are not valid JSON; starting empty');
      return;
    }
  }
  if (value === undefined || value === null) {
    return;
  }
  if (!isRecord(value)) {
    sink.warn('stored sessions are not an object; starting empty');
    return;
  }
  if (value.version !== 1) {
    sink.warn(`stored sessions have unexpected version ${JSON.stringify(value.version) ?? 'undefined'}; reading what is recognisable`);
  }
  if (!Array.isArray(value.integrations)) {
    sink.warn('stored sessions have no "integrations" list; starting empty');
    return;
  }
  value.integrations.forEach((entry: unknown, index: number) => {
    if (!isRecord(entry) || typeof entry.integrationId !== 'string' || entry.integrationId.trim() === '') {
      const lost = isRecord(entry) && Array.isArray(entry.sessions) ? entry.sessions.length : 0;
      sink.warn(`integration #${index} dropped: no integrationId (${lost} sessions)`);
      return;
    }
    const integrationId = entry.integrationId;
    const labels = Array.isArray(entry.labels) ? entry.labels : [];
    if (!Array.isArray(entry.labels)) {
      sink.warn(`integration ${integrationId}: labels missing; sessions get a date label`);
    }
    if (!Array.isArray(entry.sessions)) {
      sink.warn(`integration ${integrationId}: sessions list missing`);
      return;
    }
    let sessions = result.get(integrationId);
    if (!sessions) {
      sessions = new Map();
    }
    entry.sessions.forEach((raw: unknown, position: number) => {
      const session = readRecord(raw, integrationId, labels, position, sink, clock);
      if (!session) {
        return;
      }
      if (sessions!.has(session.id)) {
        sink.warn(`integration ${integrationId}: duplicate session ${session.id} at #${position} dropped`);
        return;
      }
      sessions!.set(session.id, freezeSession(session));
    });
    if (sessions.size > 0) {
      result.set(integrationId, sessions);
    }
  });
}

function readRecord(
  raw: unknown,
  integrationId: string,
  labels: unknown[],
  position: number,
  sink: WarningSink,
  clock: Clock,
): TrackedSession | undefined {
  const where = `integration ${integrationId}, session #${position}`;
  if (!isRecord(raw)) {
    sink.warn(`${where} dropped: not an object`);
    return undefined;
  }
  const id = typeof raw.id === 'string' ? normaliseSessionId(raw.id) : undefined;
  if (!id) {
    sink.warn(`${where} dropped: id is not a UUID`);
    return undefined;
  }
  const at = `${where} (${id})`;
  let addedAt: number;
  if (isTime(raw.a)) {
    addedAt = raw.a;
  } else {
    addedAt = clock.now();
    sink.warn(`${at}: addedAt invalid, set to now`);
  }
  const storedLabel = typeof raw.l === 'number' ? labels[raw.l] : undefined;
  let label = typeof storedLabel === 'string' ? cleanLabel(storedLabel) : undefined;
  if (label === undefined) {
    label = defaultLabel(addedAt);
    sink.warn(`${at}: label invalid, set to "${label}"`);
  }
  let source: SessionSource;
  if ((SESSION_SOURCES as readonly unknown[]).includes(raw.s)) {
    source = raw.s as SessionSource;
  } else {
    source = 'api';
    sink.warn(`${at}: source invalid, set to "api"`);
  }
  let status: SessionStatus = 'unknown';
  if (raw.st !== undefined) {
    if ((STATUS_GROUP_ORDER as readonly unknown[]).includes(raw.st)) {
      status = raw.st as SessionStatus;
    } else {
      sink.warn(`${at}: status invalid, set to "unknown"`);
    }
  }
  const session: {
    -readonly [K in keyof TrackedSession]: TrackedSession[K];
  } = { id, integrationId, label, source, addedAt, status };
  if (raw.f !== undefined) {
    if (isTime(raw.f)) {
      session.statusFetchedAt = raw.f;
    } else {
      sink.warn(`${at}: statusFetchedAt invalid, dropped`);
    }
  }
  if (raw.e !== undefined) {
    const e = raw.e;
    if (isRecord(e) && typeof e.m === 'string' && isTime(e.t) && (e.c === undefined || typeof e.c === 'string' || typeof e.c === 'number')) {
      const lastError: SessionError = { message: e.m, at: e.t };
      if (e.c !== undefined) {
        lastError.code = e.c as string | number;
      }
      session.lastError = Object.freeze(lastError);
    } else {
      sink.warn(`${at}: lastError invalid, dropped`);
    }
  }
  if (raw.v !== undefined) {
    if (typeof raw.v === 'string') {
      session.vendorData = raw.v;
    } else {
      sink.warn(`${at}: vendorData invalid, dropped`);
    }
  }
  return session;
}
