import { systemClock, type Clock } from '../clock';
import { normaliseSessionId } from '../ids';
import type { AddOptions, AddResult, SessionToTrack, StatusUpdate } from '../sessions';
import { SessionStore, type SessionStoreOptions } from './sessionStore';
import { SessionsDocument, type SessionOp } from './sessionsDocument';

/** Pinned to one time during a call, so the operation written down carries the times the records got. */
class CallClock implements Clock {
  pinned: number | undefined;
  constructor(private readonly base: Clock) {}
  now(): number {
    return this.pinned ?? this.base.now();
  }
}

/**
 * A window's SessionStore (the API every command uses, unchanged) that also writes down each
 * change as an operation for the shared file: the file gets "add these", "remove those", "this
 * status was fetched", never this window's whole list. `adopt` shows the file's content with the
 * operations not written yet on top.
 */
export class JournaledSessionStore extends SessionStore {
  private readonly callClock: CallClock;
  private pending: SessionOp[] = [];
  private writing: SessionOp[] = [];

  constructor(clock: Clock = systemClock, options: Omit<SessionStoreOptions, 'clock'> = {}) {
    const callClock = new CallClock(clock);
    super({ ...options, clock: callClock });
    this.callClock = callClock;
  }

  /** Operations not written yet (waiting, or being written). */
  get pendingCount(): number {
    return this.pending.length + this.writing.length;
  }

  /**
   * Hands the operations not written yet over to be written; `endWrite` says how that went (failed:
   * they wait for the next write). Until then they stay on top of what `adopt` shows.
   */
  beginWrite(): SessionOp[] {
    this.writing = [...this.writing, ...this.pending];
    this.pending = [];
    return this.writing;
  }

  endWrite(written: boolean): void {
    if (!written) {
      this.pending = [...this.writing, ...this.pending];
    }
    this.writing = [];
  }

  /**
   * Shows the shared file's content plus what this window did that the file may not hold yet
   * (operations are idempotent, so one the file holds already changes nothing).
   */
  adopt(fileContent: SessionsDocument | unknown, onWarning?: (message: string) => void): boolean {
    const doc = fileContent instanceof SessionsDocument ? fileContent : new SessionsDocument(this.callClock, fileContent, onWarning);
    const unwritten = [...this.writing, ...this.pending];
    if (unwritten.length > 0) {
      const view = new SessionsDocument(this.callClock, doc.toJSON());
      for (const op of unwritten) {
        view.apply(op);
      }
      return this.replaceFrom(view.store.toJSON(), onWarning);
    }
    return this.replaceFrom(doc.store.toJSON(), onWarning);
  }

  override add(integrationId: string, ids: Iterable<string | SessionToTrack>, options: AddOptions): AddResult {
    return this.pinned((at) => {
      const items = [...ids];
      const result = super.add(integrationId, items, options);
      if (result.added.length > 0) {
        // The records as made here (label resolved), so the file gets exactly them.
        const seeds: SessionToTrack[] = result.added.map((id) => {
          const s = this.get(integrationId, id)!;
          return { id, label: s.label, ...(s.vendorData !== undefined ? { vendorData: s.vendorData } : {}) };
        });
        this.pending.push({ kind: 'add', at, integrationId, items: seeds, options: { source: options.source } });
      }
      const withVendorData = vendorDataOf(items, options, new Set(result.alreadyTracked));
      if (withVendorData.length > 0) {
        this.pending.push({ kind: 'vendorData', at, integrationId, items: withVendorData });
      }
      return result;
    });
  }

  override remove(integrationId: string, ids: Iterable<string>): string[] {
    return this.pinned((at) => {
      const removed = super.remove(integrationId, ids);
      if (removed.length > 0) {
        this.pending.push({ kind: 'remove', at, integrationId, ids: removed });
      }
      return removed;
    });
  }

  override updateStatuses(integrationId: string, updates: Iterable<StatusUpdate>): string[] {
    return this.pinned((at) => {
      const all = [...updates].map((u) => ({ ...u, fetchedAt: u.fetchedAt ?? at }));
      const changed = super.updateStatuses(integrationId, all);
      if (changed.length > 0) {
        const ids = new Set(changed);
        this.pending.push({ kind: 'statuses', at, integrationId, updates: all.filter((u) => ids.has(normaliseSessionId(u.id) ?? '')) });
      }
      return changed;
    });
  }

  override setError(integrationId: string, id: string, error: { message: string; code?: string | number }, at?: number): boolean {
    return this.pinned((now) => {
      const errorAt = at ?? now;
      const tracked = super.setError(integrationId, id, error, errorAt);
      if (tracked) {
        const copy = { message: error.message, ...(error.code !== undefined ? { code: error.code } : {}) };
        this.pending.push({ kind: 'setError', at: now, integrationId, id, error: copy, errorAt });
      }
      return tracked;
    });
  }

  override clearError(integrationId: string, id: string): boolean {
    return this.pinned((at) => {
      const cleared = super.clearError(integrationId, id);
      if (cleared) {
        this.pending.push({ kind: 'clearError', at, integrationId, id });
      }
      return cleared;
    });
  }

  /** Runs a call with the clock pinned (an outer call's pin holds for calls made by listeners meanwhile). */
  private pinned<R>(call: (at: number) => R): R {
    if (this.callClock.pinned !== undefined) {
      return call(this.callClock.pinned);
    }
    const at = this.callClock.now();
    this.callClock.pinned = at;
    try {
      return call(at);
    } finally {
      this.callClock.pinned = undefined;
    }
  }
}

function vendorDataOf(items: Array<string | SessionToTrack>, options: AddOptions, tracked: Set<string>): Array<{ id: string; vendorData: string }> {
  const result: Array<{ id: string; vendorData: string }> = [];
  if (tracked.size === 0) {
    return result;
  }
  for (const item of items) {
    const seed = typeof item === 'string' ? { id: item } : item;
    const id = typeof seed.id === 'string' ? normaliseSessionId(seed.id) : undefined;
    const vendorData = seed.vendorData ?? options.vendorData;
    if (id && vendorData !== undefined && tracked.has(id)) {
      result.push({ id, vendorData });
      tracked.delete(id);
    }
  }
  return result;
}
