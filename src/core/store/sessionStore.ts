import { Clock, systemClock } from '../clock';
import { normaliseSessionId } from '../ids';
import {
  cleanLabel,
  defaultLabel,
  freezeSession,
  STATUS_GROUP_ORDER,
  type AddOptions,
  type AddResult,
  type LabelGroup,
  type SessionError,
  type SessionToTrack,
  type SessionStoreChange,
  type StatusGroup,
  type StatusUpdate,
  type TrackedSession,
} from '../sessions';
import { isDeletableStatus, type SessionStatus } from '../status';
import { integrationToJSON, readStoreJSON, type IntegrationJSON, type IntegrationSessions, type SessionStoreJSON } from './sessionsFormat';

export interface Disposable {
  dispose(): void;
}

export interface SessionStoreOptions {
  clock?: Clock;
  /** Where an exception thrown by a change listener goes (the store and other listeners go on). */
  onListenerError?: (error: unknown) => void;
}

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

  add(integrationId: string, ids: Iterable<string | SessionToTrack>, options: AddOptions): AddResult {
    requireIntegrationId(integrationId);
    const now = this.clock.now();
    const batchLabel = cleanLabel(options.label) ?? defaultLabel(now);
    const result: AddResult = { added: [], alreadyTracked: [], invalid: [] };
    const seen = new Set<string>();
    const updated: string[] = [];
    let sessions = this.byIntegration.get(integrationId);
    for (const item of ids) {
      const seed: SessionToTrack = typeof item === 'string' ? { id: item } : item;
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
          sessions!.set(id, freezeSession({ ...existing, vendorData }));
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
      sessions.set(id, freezeSession(session));
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
      sessions.set(id, freezeSession(next));
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
