import { randomBytes, randomUUID } from 'node:crypto';
import { DAY_MS, DEFAULT_DAY_LIMIT, DEFAULT_HOUR_LIMIT, HOUR_MS } from '../core/budget';
import { Clock, systemClock } from '../core/clock';
import { normaliseSessionId } from '../core/ids';
import { isVeriffStatus, type VeriffStatus } from '../core/status';
import { applyStatus, cloneSession, type SandboxBudgetUsage, type DeleteSlotResult, type SandboxIntegration, type SandboxSession, type SessionSeed } from './sessionModel';
import { parseSnapshot, type RestoreResult, type SandboxSnapshot } from './snapshot';

export { DAY_MS, HOUR_MS } from '../core/budget';

export interface SandboxStateOptions {
  clock?: Clock;
  /** Send `Retry-After` on 429. Off by default because Veriff does not document the header. */
  sendRetryAfter?: boolean;
}

/**
 * In-memory state of the Veriff-compatible sandbox: integrations, sessions and the per-API-key
 * DELETE rate limiter (5 per rolling hour, 10 per rolling 24 h) on an injected clock.
 * Getters return copies; change state only through the methods.
 */
export class SandboxState {
  readonly clock: Clock;
  sendRetryAfter: boolean;
  private readonly integrations = new Map<string, SandboxIntegration>();
  private readonly sessions = new Map<string, SandboxSession>();
  private readonly deleteLog = new Map<string, number[]>();

  constructor(opts: SandboxStateOptions = {}) {
    this.clock = opts.clock ?? systemClock;
    this.sendRetryAfter = opts.sendRetryAfter ?? false;
  }

  /** Adds (or replaces) an integration. Replacing keeps its sessions and delete history. */
  addIntegration(apiKey: string, sharedSecret: string, opts: { deleteEnabled?: boolean } = {}): SandboxIntegration {
    if (!apiKey || !sharedSecret) {
      throw new Error('An integration needs a non-empty API key and shared secret.');
    }
    const integration: SandboxIntegration = { apiKey, sharedSecret, deleteEnabled: opts.deleteEnabled ?? true };
    this.integrations.set(apiKey, integration);
    return { ...integration };
  }

  getIntegration(apiKey: string): SandboxIntegration | undefined {
    const integration = this.integrations.get(apiKey);
    return integration && { ...integration };
  }

  listIntegrations(): SandboxIntegration[] {
    return [...this.integrations.values()].map((i) => ({ ...i }));
  }

  setDeleteEnabled(apiKey: string, enabled: boolean): void {
    this.requireIntegration(apiKey).deleteEnabled = enabled;
  }

  /** Creates a session for a known integration. Throws on an unknown API key or a bad id/status. */
  createSession(apiKey: string, seed: SessionSeed = {}): SandboxSession {
    this.requireIntegration(apiKey);
    const id = seed.id === undefined ? randomUUID() : normaliseSessionId(seed.id);
    if (!id) {
      throw new Error('A session id must be a UUID.');
    }
    if (this.sessions.has(id)) {
      throw new Error('A session with this id exists already.');
    }
    const status = seed.status ?? 'created';
    if (!isVeriffStatus(status)) {
      throw new Error(`Unknown Veriff status: ${String(status)}`);
    }
    const now = this.clock.now();
    const session: SandboxSession = {
      id,
      apiKey,
      status: 'created',
      inFlow: false,
      vendorData: seed.vendorData ?? null,
      endUserId: seed.endUserId ?? null,
      sessionToken: randomBytes(24).toString('base64url'),
      createdAt: now,
      decidedAt: null,
      attempts: [],
    };
    applyStatus(session, status, now);
    session.inFlow = seed.inFlow ?? false;
    this.sessions.set(id, session);
    return cloneSession(session);
  }

  /** The session with this id (any case), whoever owns it. */
  getSession(id: string): SandboxSession | undefined {
    const session = this.findSession(id);
    return session && cloneSession(session);
  }

  /** Sessions of one integration, or all, oldest first. */
  listSessions(apiKey?: string): SandboxSession[] {
    return [...this.sessions.values()]
      .filter((s) => apiKey === undefined || s.apiKey === apiKey)
      .sort((a, b) => a.createdAt - b.createdAt)
      .map(cloneSession);
  }

  /** Moves a session to a status, keeping attempts and the decision time consistent. */
  setStatus(id: string, status: VeriffStatus): SandboxSession {
    if (!isVeriffStatus(status)) {
      throw new Error(`Unknown Veriff status: ${String(status)}`);
    }
    const session = this.requireSession(id);
    applyStatus(session, status, this.clock.now());
    return cloneSession(session);
  }

  setInFlow(id: string, inFlow: boolean): SandboxSession {
    const session = this.requireSession(id);
    session.inFlow = inFlow;
    return cloneSession(session);
  }

  /** Removes a session; false when there was none. Does not touch the delete budget. */
  deleteSession(id: string): boolean {
    const session = this.findSession(id);
    return session !== undefined && this.sessions.delete(session.id);
  }

  /** Takes a DELETE slot for the API key when both rolling windows allow it; a refusal takes none. */
  tryTakeDeleteSlot(apiKey: string): DeleteSlotResult {
    const budget = this.deleteBudget(apiKey);
    const now = this.clock.now();
    if (budget.nextSlotAt > now) {
      return { ok: false, retryAt: budget.nextSlotAt };
    }
    const log = this.deleteLog.get(apiKey) ?? [];
    log.push(now);
    log.sort((a, b) => a - b); // a manual clock may have been set backwards
    this.deleteLog.set(apiKey, log);
    return { ok: true };
  }

  /** Veriff's documented limits, the same the extension's ledger assumes (budget.ts). */
  deleteBudget(apiKey: string): SandboxBudgetUsage {
    const now = this.clock.now();
    const day = this.pruneDeleteLog(apiKey, now);
    const hour = day.filter((t) => t > now - HOUR_MS);
    let nextSlotAt = now;
    if (hour.length >= DEFAULT_HOUR_LIMIT) {
      nextSlotAt = Math.max(nextSlotAt, hour[hour.length - DEFAULT_HOUR_LIMIT] + HOUR_MS);
    }
    if (day.length >= DEFAULT_DAY_LIMIT) {
      nextSlotAt = Math.max(nextSlotAt, day[day.length - DEFAULT_DAY_LIMIT] + DAY_MS);
    }
    return { usedLastHour: hour.length, usedLastDay: day.length, nextSlotAt };
  }

  /** Forgets sessions and delete history; integrations and options stay. */
  reset(): void {
    this.sessions.clear();
    this.deleteLog.clear();
  }

  snapshot(): SandboxSnapshot {
    const now = this.clock.now();
    const deleteLog: Record<string, number[]> = {};
    for (const apiKey of this.deleteLog.keys()) {
      const times = this.pruneDeleteLog(apiKey, now);
      if (times.length > 0) {
        deleteLog[apiKey] = [...times];
      }
    }
    return {
      version: 1,
      integrations: this.listIntegrations(),
      sessions: this.listSessions(),
      deleteLog,
    };
  }

  /** Replaces the whole state with a snapshot (e.g. read from disk). Leaves the state untouched when the data is invalid. */
  restore(data: unknown): RestoreResult {
    const parsed = parseSnapshot(data);
    if (typeof parsed === 'string') {
      return { ok: false, reason: parsed };
    }
    this.integrations.clear();
    this.sessions.clear();
    this.deleteLog.clear();
    for (const integration of parsed.integrations) {
      this.integrations.set(integration.apiKey, integration);
    }
    for (const session of parsed.sessions) {
      this.sessions.set(session.id, session);
    }
    for (const [apiKey, times] of Object.entries(parsed.deleteLog)) {
      this.deleteLog.set(apiKey, [...times].sort((a, b) => a - b));
    }
    return { ok: true };
  }

  private pruneDeleteLog(apiKey: string, now: number): number[] {
    const kept = (this.deleteLog.get(apiKey) ?? []).filter((t) => t > now - DAY_MS);
    if (kept.length > 0) {
      this.deleteLog.set(apiKey, kept);
    } else {
      this.deleteLog.delete(apiKey);
    }
    return kept;
  }

  private findSession(id: string): SandboxSession | undefined {
    const normalised = normaliseSessionId(id);
    return normalised === undefined ? undefined : this.sessions.get(normalised);
  }

  private requireSession(id: string): SandboxSession {
    const session = this.findSession(id);
    if (!session) {
      throw new Error('No sandbox session with this id.');
    }
    return session;
  }

  private requireIntegration(apiKey: string): SandboxIntegration {
    const integration = this.integrations.get(apiKey);
    if (!integration) {
      throw new Error('No sandbox integration with this API key.');
    }
    return integration;
  }
}
