import { Clock, systemClock } from './clock';
import { normaliseSessionId } from './ids';
import { isRecord } from './stateIssues';
import { SessionStatus, VERIFF_STATUSES, isDeletableStatus } from './status';

export const SESSION_SOURCES = [
  'typed',
  'selection',
  'clipboard',
  'file',
  'trackingFile',
  'created',
  'terminal',
  'api',
] as const;

/** Where a tracked session came from. */
export type SessionSource = (typeof SESSION_SOURCES)[number];

export interface SessionError {
  message: string;
  code?: string | number;
  at: number;
}

/** A session the extension remembers. Records are immutable: every change makes a new one. */
export interface TrackedSession {
  /** Normalised (lowercase) UUID. */
  readonly id: string;
  readonly integrationId: string;
  /** The run or batch it came with. */
  readonly label: string;
  readonly source: SessionSource;
  readonly addedAt: number;
  readonly status: SessionStatus;
  readonly statusFetchedAt?: number;
  readonly lastError?: Readonly<SessionError>;
  readonly vendorData?: string;
}

/** An id with its own label or vendorData (a tracking-file line), overriding the add options. */
export interface SessionSeed {
  id: string;
  label?: string;
  vendorData?: string;
}

export interface AddOptions {
  source: SessionSource;
  /** Run/batch label; blank or absent gives `defaultLabel(now)`. */
  label?: string;
  vendorData?: string;
}

export interface AddResult {
  /** Newly tracked ids, normalised, in input order. */
  added: string[];
  /** Ids that were tracked before this call: merged, their addedAt/label/source kept. */
  alreadyTracked: string[];
  /** Inputs that are not UUIDs (nothing tracked for them). */
  invalid: string[];
}

export interface StatusUpdate {
  id: string;
  status: SessionStatus;
  fetchedAt?: number;
}

/**
 * What changed. `replaced` comes only from `replaceFrom` (another window's state): a listener that
 * persists the store should not write that back, or two windows would echo each other.
 */
export type SessionStoreChange =
  | { kind: 'added' | 'removed' | 'updated'; integrationId: string; ids: readonly string[] }
  | { kind: 'replaced'; integrationIds: readonly string[] };

export interface Disposable {
  dispose(): void;
}

export interface LabelGroup {
  label: string;
  /** addedAt of the group's newest session: groups are ordered by it, newest first. */
  newestAddedAt: number;
  /** Oldest first. */
  sessions: TrackedSession[];
}

export interface StatusGroup {
  status: SessionStatus;
  /** Oldest first. */
  sessions: TrackedSession[];
}

export interface SessionStoreOptions {
  clock?: Clock;
  /** Where an exception thrown by a change listener goes (the store and other listeners go on). */
  onListenerError?: (error: unknown) => void;
}

/** Order of the status groups: in-flight first, then outcomes, then what the extension doesn't know. */
export const STATUS_GROUP_ORDER: readonly SessionStatus[] = [...VERIFF_STATUSES, 'unknown', 'gone'];

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

const MINUTE = 60_000;

/**
 * The label of sessions added without one: `Tracked 2026-01-31`, the ISO date (locale-neutral) in
 * the local time zone unless an offset (minutes, as `Date#getTimezoneOffset`) is given.
 */
export function defaultLabel(nowMs: number, timezoneOffsetMinutes = new Date(nowMs).getTimezoneOffset()): string {
  const local = new Date(nowMs - timezoneOffsetMinutes * MINUTE);
  return `Tracked ${Number.isNaN(local.getTime()) ? 'unknown date' : local.toISOString().slice(0, 10)}`;
}

type IntegrationSessions = Map<string, TrackedSession>;

/**
 * All tracked sessions of all integrations, keyed by (integrationId, id). The rules: an id is
 * tracked at most once per integration (re-adding merges), records only change through here, and
 * every change is announced once per call through `onDidChange`.
 */
export class SessionStore {
  private byIntegration = new Map<string, IntegrationSessions>();
  private readonly sortedCache = new Map<string, TrackedSession[]>();
  private readonly listeners: ((change: SessionStoreChange) => void)[] = [];
  private readonly clock: Clock;
  private readonly onListenerError: (error: unknown) => void;

  constructor(options: SessionStoreOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.onListenerError = options.onListenerError ?? ((error) => console.error('SessionStore listener failed:', error));
  }

  /** Builds a store from `toJSON()` output (object or JSON text). Never throws on bad data. */
  static fromJSON(json: unknown, onWarning: (message: string) => void, options: SessionStoreOptions = {}): SessionStore {
    const store = new SessionStore(options);
    store.byIntegration = readStoreJSON(json, onWarning, store.clock);
    return store;
  }

  /** Subscribes to changes; dispose the result to unsubscribe. */
  onDidChange(listener: (change: SessionStoreChange) => void): Disposable {
    this.listeners.push(listener);
    return {
      dispose: () => {
        const index = this.listeners.indexOf(listener);
        if (index >= 0) {
          this.listeners.splice(index, 1);
        }
      },
    };
  }

  add(integrationId: string, ids: Iterable<string | SessionSeed>, options: AddOptions): AddResult {
    requireIntegrationId(integrationId);
    const now = this.clock.now();
    const batchLabel = cleanLabel(options.label) ?? defaultLabel(now);
    const result: AddResult = { added: [], alreadyTracked: [], invalid: [] };
    const seen = new Set<string>();
    const updated: string[] = [];
    let sessions = this.byIntegration.get(integrationId);
    for (const item of ids) {
      const seed: SessionSeed = typeof item === 'string' ? { id: item } : item;
      const id = typeof seed.id === 'string' ? normaliseSessionId(seed.id) : undefined;
      if (!id) {
        result.invalid.push(String(seed.id));
        continue;
      }
      const vendorData = seed.vendorData ?? options.vendorData;
      const existing = sessions?.get(id);
      if (existing) {
        if (seen.has(id)) {
          continue; // repeated within this call: the first occurrence decided
        }
        seen.add(id);
        result.alreadyTracked.push(id);
        if (existing.vendorData === undefined && vendorData !== undefined) {
          sessions!.set(id, freeze({ ...existing, vendorData }));
          updated.push(id);
        }
        continue;
      }
      if (!sessions) {
        sessions = new Map();
        this.byIntegration.set(integrationId, sessions);
      }
      const session: TrackedSession = {
        id,
        integrationId,
        label: cleanLabel(seed.label) ?? batchLabel,
        source: options.source,
        addedAt: now,
        status: 'unknown',
        ...(vendorData !== undefined ? { vendorData } : {}),
      };
      sessions.set(id, freeze(session));
      seen.add(id);
      result.added.push(id);
    }
    if (result.added.length > 0 || updated.length > 0) {
      this.sortedCache.delete(integrationId);
    }
    if (result.added.length > 0) {
      this.emit({ kind: 'added', integrationId, ids: result.added });
    }
    if (updated.length > 0) {
      this.emit({ kind: 'updated', integrationId, ids: updated });
    }
    return result;
  }

  /** Stops tracking; returns the ids that were tracked (normalised). */
  remove(integrationId: string, ids: Iterable<string>): string[] {
    const sessions = this.byIntegration.get(integrationId);
    const removed: string[] = [];
    if (!sessions) {
      return removed;
    }
    for (const raw of ids) {
      const id = normaliseSessionId(raw);
      if (id && sessions.delete(id)) {
        removed.push(id);
      }
    }
    if (removed.length > 0) {
      if (sessions.size === 0) {
        this.byIntegration.delete(integrationId);
      }
      this.sortedCache.delete(integrationId);
      this.emit({ kind: 'removed', integrationId, ids: removed });
    }
    return removed;
  }

  get(integrationId: string, id: string): TrackedSession | undefined {
    const normalised = normaliseSessionId(id);
    return normalised ? this.byIntegration.get(integrationId)?.get(normalised) : undefined;
  }

  has(integrationId: string, id: string): boolean {
    return this.get(integrationId, id) !== undefined;
  }

  /** The integration's sessions, oldest first (ties in the order they were added). */
  list(integrationId: string): TrackedSession[] {
    return this.sorted(integrationId).slice();
  }

  /** Integrations that have at least one tracked session. */
  integrationIds(): string[] {
    return [...this.byIntegration.keys()];
  }

  /** Tracked sessions of one integration, or of all. */
  size(integrationId?: string): number {
    if (integrationId !== undefined) {
      return this.byIntegration.get(integrationId)?.size ?? 0;
    }
    let total = 0;
    for (const sessions of this.byIntegration.values()) {
      total += sessions.size;
    }
    return total;
  }

  /**
   * Records a fetched status. A fetch older than the one already recorded is ignored (two refreshes
   * answering out of order). Returns whether the record changed.
   */
  updateStatus(integrationId: string, id: string, status: SessionStatus, fetchedAt = this.clock.now()): boolean {
    return this.updateStatuses(integrationId, [{ id, status, fetchedAt }]).length > 0;
  }

  /** `updateStatus` for many sessions with one change event; returns the ids that changed. */
  updateStatuses(integrationId: string, updates: Iterable<StatusUpdate>): string[] {
    const all = [...updates];
    const bad = all.find((update) => !STATUS_GROUP_ORDER.includes(update.status));
    if (bad) {
      // A programming error (statuses come typed from the client); checked before anything changes.
      throw new TypeError(`Not a session status: ${String(bad.status)}`);
    }
    const now = this.clock.now();
    const changed = new Set<string>();
    for (const update of all) {
      const fetchedAt = update.fetchedAt ?? now;
      this.replaceRecord(integrationId, update.id, changed, (current) => {
        if (current.statusFetchedAt !== undefined && fetchedAt < current.statusFetchedAt) {
          return current;
        }
        if (current.status === update.status && current.statusFetchedAt === fetchedAt) {
          return current;
        }
        return { ...current, status: update.status, statusFetchedAt: fetchedAt };
      });
    }
    return this.announceUpdate(integrationId, changed);
  }

  /** Remembers the last failure for a session (shown in the tree). Returns whether it is tracked. */
  setError(integrationId: string, id: string, error: { message: string; code?: string | number }, at = this.clock.now()): boolean {
    const changed = new Set<string>();
    const lastError: SessionError = { message: error.message, at };
    if (error.code !== undefined) {
      lastError.code = error.code;
    }
    const tracked = this.replaceRecord(integrationId, id, changed, (current) => ({
      ...current,
      lastError: Object.freeze(lastError),
    }));
    this.announceUpdate(integrationId, changed);
    return tracked;
  }

  /** Returns whether there was an error to clear. */
  clearError(integrationId: string, id: string): boolean {
    const changed = new Set<string>();
    this.replaceRecord(integrationId, id, changed, (current) => {
      if (current.lastError === undefined) {
        return current;
      }
      const { lastError: _dropped, ...rest } = current;
      return rest;
    });
    return this.announceUpdate(integrationId, changed).length > 0;
  }

  /** Groups by run/batch label: newest group first, sessions oldest first. */
  groupByLabel(integrationId: string): LabelGroup[] {
    const groups = new Map<string, LabelGroup>();
    for (const session of this.sorted(integrationId)) {
      const group = groups.get(session.label);
      if (group) {
        group.sessions.push(session);
        group.newestAddedAt = Math.max(group.newestAddedAt, session.addedAt);
      } else {
        groups.set(session.label, { label: session.label, newestAddedAt: session.addedAt, sessions: [session] });
      }
    }
    return [...groups.values()].sort(
      (a, b) => b.newestAddedAt - a.newestAddedAt || (a.label < b.label ? -1 : a.label > b.label ? 1 : 0),
    );
  }

  /** Groups by status in `STATUS_GROUP_ORDER`, empty groups left out; sessions oldest first. */
  groupByStatus(integrationId: string): StatusGroup[] {
    const groups = new Map<SessionStatus, TrackedSession[]>();
    for (const session of this.sorted(integrationId)) {
      const list = groups.get(session.status);
      if (list) {
        list.push(session);
      } else {
        groups.set(session.status, [session]);
      }
    }
    return STATUS_GROUP_ORDER.filter((status) => groups.has(status)).map((status) => ({
      status,
      sessions: groups.get(status)!,
    }));
  }

  /** Sessions Veriff would accept a DELETE for as far as known (`unknown` counts: not known hopeless). */
  deletableCount(integrationId: string): number {
    let count = 0;
    for (const session of this.byIntegration.get(integrationId)?.values() ?? []) {
      if (isDeletableStatus(session.status)) {
        count++;
      }
    }
    return count;
  }

  toJSON(): SessionStoreJSON {
    const integrations: IntegrationJSON[] = [];
    for (const [integrationId, sessions] of this.byIntegration) {
      integrations.push(integrationToJSON(integrationId, sessions));
    }
    return { version: 1, integrations };
  }

  /**
   * Adopts another window's state wholesale (its `toJSON()` output). Emits one `replaced` change
   * naming the integrations that differ, and nothing when nothing differs. Returns whether it did.
   */
  replaceFrom(json: unknown, onWarning: (message: string) => void = () => undefined): boolean {
    const next = readStoreJSON(json, onWarning, this.clock);
    const changed: string[] = [];
    for (const integrationId of new Set([...this.byIntegration.keys(), ...next.keys()])) {
      const before = this.byIntegration.get(integrationId);
      const after = next.get(integrationId);
      const same =
        before !== undefined &&
        after !== undefined &&
        JSON.stringify(integrationToJSON(integrationId, before)) === JSON.stringify(integrationToJSON(integrationId, after));
      if (!same) {
        changed.push(integrationId);
      }
    }
    if (changed.length === 0) {
      return false;
    }
    this.byIntegration = next;
    this.sortedCache.clear();
    this.emit({ kind: 'replaced', integrationIds: changed });
    return true;
  }

  private sorted(integrationId: string): TrackedSession[] {
    let sorted = this.sortedCache.get(integrationId);
    if (!sorted) {
      sorted = [...(this.byIntegration.get(integrationId)?.values() ?? [])].sort((a, b) => a.addedAt - b.addedAt);
      this.sortedCache.set(integrationId, sorted);
    }
    return sorted;
  }

  /** Applies `change` to a tracked record; collects the id when the record changed. Returns whether tracked. */
  private replaceRecord(
    integrationId: string,
    rawId: string,
    changed: Set<string>,
    change: (current: TrackedSession) => TrackedSession,
  ): boolean {
    const id = normaliseSessionId(rawId);
    const sessions = this.byIntegration.get(integrationId);
    const current = id ? sessions?.get(id) : undefined;
    if (!id || !sessions || !current) {
      return false;
    }
    const next = change(current);
    if (next !== current) {
      sessions.set(id, freeze(next));
      changed.add(id);
    }
    return true;
  }

  /** Emits one `updated` change for the ids that changed; returns them. */
  private announceUpdate(integrationId: string, changed: Set<string>): string[] {
    const ids = [...changed];
    if (ids.length > 0) {
      this.sortedCache.delete(integrationId);
      this.emit({ kind: 'updated', integrationId, ids });
    }
    return ids;
  }

  private emit(change: SessionStoreChange): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(change);
      } catch (error) {
        this.onListenerError(error);
      }
    }
  }
}

function requireIntegrationId(integrationId: string): void {
  if (typeof integrationId !== 'string' || integrationId.trim() === '') {
    throw new TypeError('integrationId must be a non-empty string');
  }
}

function cleanLabel(label: string | undefined): string | undefined {
  const trimmed = typeof label === 'string' ? label.trim() : '';
  return trimmed === '' ? undefined : trimmed;
}

function freeze(session: TrackedSession): TrackedSession {
  return Object.freeze(session);
}

function integrationToJSON(integrationId: string, sessions: IntegrationSessions): IntegrationJSON {
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
function readStoreJSON(json: unknown, onWarning: (message: string) => void, clock: Clock): Map<string, IntegrationSessions> {
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
      sessions!.set(session.id, freeze(session));
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
