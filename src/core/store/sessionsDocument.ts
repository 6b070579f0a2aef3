import { systemClock, type Clock } from '../clock';
import { normaliseSessionId } from '../ids';
import type { AddOptions, SessionToTrack, StatusUpdate } from '../sessions';
import type { SessionStoreJSON } from './sessionsFormat';
import { SessionStore } from './sessionStore';
import { isFiniteNumber, isRecord } from '../typeGuards';
import type { DocumentCodec } from './jsonFile';

/**
 * `sessions.json`: the tracked sessions of every integration (the SessionStore's own JSON, so
 * earlier versions' files read as they are) plus tombstones of removed sessions. Windows never
 * write their list; they write operations (add, remove, record a status or an error), applied
 * under the lock to what the file holds then. A tombstone keeps a removed session removed when an
 * older copy (another window's, an earlier version's) is merged in; an explicit add after the
 * removal tracks it again.
 */

export const SESSIONS_FILE = 'sessions.json';
/** Long enough for any stale copy (a window left open, a migration) to have been merged. */
export const TOMBSTONE_TTL_MS = 30 * 24 * 60 * 60 * 1000;

export interface Tombstone {
  readonly integrationId: string;
  readonly id: string;
  readonly at: number;
}

/** A change one window made, replayed on the file's content under the lock. */
export type SessionOp =
  | { kind: 'add'; at: number; integrationId: string; items: Array<string | SessionToTrack>; options: AddOptions }
  /** Fills vendorData of sessions already tracked (an add of a tracked id with vendorData); never tracks. */
  | { kind: 'vendorData'; at: number; integrationId: string; items: Array<{ id: string; vendorData: string }> }
  | { kind: 'remove'; at: number; integrationId: string; ids: string[] }
  | { kind: 'statuses'; at: number; integrationId: string; updates: StatusUpdate[] }
  | { kind: 'setError'; at: number; integrationId: string; id: string; error: { message: string; code?: string | number }; errorAt: number }
  | { kind: 'clearError'; at: number; integrationId: string; id: string };

/** A clock that ops pin to their own time, so a replay gives the records the times the window gave them. */
class PinnableClock implements Clock {
  pinned: number | undefined;
  constructor(private readonly base: Clock) {}
  now(): number {
    return this.pinned ?? this.base.now();
  }
}

export class SessionsDocument {
  readonly store: SessionStore;
  /** By `integrationId\nid`. */
  readonly removed = new Map<string, Tombstone>();
  private readonly clock: PinnableClock;

  constructor(clock: Clock = systemClock, json?: unknown, onWarning: (message: string) => void = () => undefined) {
    this.clock = new PinnableClock(clock);
    this.store = SessionStore.fromJSON(json ?? { version: 1, integrations: [] }, onWarning, { clock: this.clock });
    if (isRecord(json) && Array.isArray(json.removed)) {
      readTombstones(json.removed, this.removed, onWarning);
    }
  }

  apply(op: SessionOp): void {
    this.clock.pinned = op.at;
    try {
      this.applyPinned(op);
    } finally {
      this.clock.pinned = undefined;
    }
  }

  /**
   * Merges another copy of the sessions (an earlier version's file or global state, another
   * window's old list): adds what this one lacks unless it was removed after the copy's record was
   * added, takes newer statuses and errors. Never removes anything.
   */
  mergeCopy(json: unknown, onWarning: (message: string) => void = () => undefined): { added: number; keptRemoved: number } {
    const copy = SessionStore.fromJSON(json, onWarning, { clock: this.clock });
    let added = 0;
    let keptRemoved = 0;
    for (const integrationId of copy.integrationIds()) {
      for (const s of copy.list(integrationId)) {
        if (!this.store.has(integrationId, s.id)) {
          const tombstone = this.removed.get(tombstoneKey(integrationId, s.id));
          if (tombstone && tombstone.at >= s.addedAt) {
            keptRemoved++;
            continue;
          }
          const seed: SessionToTrack = { id: s.id, label: s.label, ...(s.vendorData !== undefined ? { vendorData: s.vendorData } : {}) };
          this.apply({ kind: 'add', at: s.addedAt, integrationId, items: [seed], options: { source: s.source } });
          added++;
        } else if (s.vendorData !== undefined) {
          this.apply({ kind: 'vendorData', at: s.addedAt, integrationId, items: [{ id: s.id, vendorData: s.vendorData }] });
        }
        if (s.status !== 'unknown' || s.statusFetchedAt !== undefined) {
          this.store.updateStatus(integrationId, s.id, s.status, s.statusFetchedAt ?? s.addedAt);
        }
        const mine = this.store.get(integrationId, s.id)?.lastError;
        if (s.lastError && (!mine || mine.at < s.lastError.at)) {
          this.store.setError(integrationId, s.id, s.lastError, s.lastError.at);
        }
      }
    }
    return { added, keptRemoved };
  }

  tombstones(): Tombstone[] {
    return [...this.removed.values()];
  }

  toJSON(): SessionStoreJSON & { removed: Array<{ integrationId: string; ids: Array<[string, number]> }> } {
    const now = this.clock.now();
    const byIntegration = new Map<string, Array<[string, number]>>();
    for (const [key, t] of this.removed) {
      if (t.at < now - TOMBSTONE_TTL_MS) {
        this.removed.delete(key);
        continue;
      }
      let ids = byIntegration.get(t.integrationId);
      if (!ids) {
        ids = [];
        byIntegration.set(t.integrationId, ids);
      }
      ids.push([t.id, t.at]);
    }
    return { ...this.store.toJSON(), removed: [...byIntegration].map(([integrationId, ids]) => ({ integrationId, ids })) };
  }

  private applyPinned(op: SessionOp): void {
    const store = this.store;
    switch (op.kind) {
      case 'add': {
        const result = store.add(op.integrationId, op.items, op.options);
        for (const id of result.added) {
          this.removed.delete(tombstoneKey(op.integrationId, id));
        }
        return;
      }
      case 'vendorData':
        for (const item of op.items) {
          const current = store.get(op.integrationId, item.id);
          if (current && current.vendorData === undefined) {
            store.add(op.integrationId, [item], { source: current.source });
          }
        }
        return;
      case 'remove':
        store.remove(op.integrationId, op.ids);
        for (const raw of op.ids) {
          const id = normaliseSessionId(raw);
          if (id) {
            const key = tombstoneKey(op.integrationId, id);
            const known = this.removed.get(key);
            this.removed.set(key, { integrationId: op.integrationId, id, at: Math.max(op.at, known?.at ?? -Infinity) });
          }
        }
        return;
      case 'statuses':
        store.updateStatuses(op.integrationId, op.updates);
        return;
      case 'setError':
        store.setError(op.integrationId, op.id, op.error, op.errorAt);
        return;
      case 'clearError':
        store.clearError(op.integrationId, op.id);
        return;
    }
  }
}

export function tombstoneKey(integrationId: string, id: string): string {
  return `${integrationId}\n${id}`;
}

function readTombstones(raw: unknown[], into: Map<string, Tombstone>, onWarning: (message: string) => void): void {
  let bad = 0;
  for (const group of raw) {
    if (!isRecord(group) || typeof group.integrationId !== 'string' || !Array.isArray(group.ids)) {
      bad++;
      continue;
    }
    for (const entry of group.ids) {
      const id = Array.isArray(entry) && typeof entry[0] === 'string' ? normaliseSessionId(entry[0]) : undefined;
      const at = Array.isArray(entry) ? entry[1] : undefined;
      if (!id || !isFiniteNumber(at)) {
        bad++;
        continue;
      }
      const key = tombstoneKey(group.integrationId, id);
      const known = into.get(key);
      into.set(key, { integrationId: group.integrationId, id, at: Math.max(at, known?.at ?? -Infinity) });
    }
  }
  if (bad > 0) {
    onWarning(`removed-session records unreadable, dropped: ${bad}`);
  }
}

export function sessionsCodec(clock: Clock): DocumentCodec<SessionsDocument> {
  return {
    decode: (json, onWarning) =>
      isRecord(json) && Array.isArray(json.integrations) ? new SessionsDocument(clock, json, (m) => onWarning(`Stored sessions: ${m}`)) : undefined,
    encode: (doc) => doc.toJSON(),
    empty: () => new SessionsDocument(clock),
  };
}
