import { randomUUID } from 'node:crypto';
import type { Clock } from './clock';
import { StateIssues, isFiniteNumber, isRecord } from './stateIssues';

/**
 * The delete budget: Veriff allows DELETE /v1/sessions/{id} 5 times per rolling hour and 10 times
 * per rolling 24 hours, per integration. Every DELETE sent counts, whatever its answer, so a spend
 * is recorded before the request goes out. A 429 is ground truth and blocks the integration.
 *
 * Integrations are keyed by an opaque string (a hash of the API key, never the key itself).
 */

export const HOUR_MS = 60 * 60 * 1000;
export const DAY_MS = 24 * HOUR_MS;
export const DEFAULT_HOUR_LIMIT = 5;
export const DEFAULT_DAY_LIMIT = 10;
/** Backoff after a 429 without Retry-After: 1 min, 2, 4, … capped at 1 h. */
export const RATE_LIMIT_BACKOFF_BASE_MS = 60_000;
export const RATE_LIMIT_BACKOFF_MAX_MS = HOUR_MS;
const MIN_RETRY_AFTER_MS = 1000;
const MAX_STREAK = 20;
const PERSISTED_VERSION = 1;

export interface SpendRecord {
  /** Unique per spend, so that two windows' records unite without doubling. */
  readonly id: string;
  readonly at: number;
}

export interface BudgetRemaining {
  /** Deletes left in the rolling hour by our records. */
  hour: number;
  /** Deletes left in the rolling 24 hours by our records. */
  day: number;
  hourLimit: number;
  dayLimit: number;
  /** How many may be sent right now (0 while blocked by a 429). */
  available: number;
  /** If nothing is available: when the next delete may go. Otherwise: when a window next gains a slot. */
  nextFreeAt?: number;
  /** Set while a 429 blocks the integration. */
  blockedUntil?: number;
}

export interface SpendCost {
  /** How many of the n deletes can be sent now. */
  now: number;
  later: number;
  /** When the last of them can be sent (now when n is 0). */
  finishAt: number;
}

export interface PersistedIntegrationBudget {
  spends: SpendRecord[];
  blockedUntil?: number;
  rateLimitStreak?: number;
}

export interface PersistedBudget {
  version: 1;
  integrations: Record<string, PersistedIntegrationBudget>;
}

export interface BudgetLedgerOptions {
  hourLimit?: number;
  dayLimit?: number;
  /** Extra wait added to both windows before a slot counts as free (0 = exact windows). */
  slackMs?: number;
  /** Told about discarded or sanitised state and about the clock moving backwards. */
  onWarning?: (message: string) => void;
  newId?: () => string;
}

interface Entry {
  /** Sorted by `at`, oldest first; pruned beyond the day window. */
  spends: SpendRecord[];
  blockedUntil?: number;
  streak: number;
}

const WARNING_PREFIX = 'Delete budget state';

export class BudgetLedger {
  readonly hourLimit: number;
  readonly dayLimit: number;
  private readonly hourMs: number;
  private readonly dayMs: number;
  private readonly onWarning?: (message: string) => void;
  private readonly newId: () => string;
  private readonly entries = new Map<string, Entry>();
  private readonly listeners = new Set<() => void>();

  constructor(private readonly clock: Clock, state?: unknown, opts: BudgetLedgerOptions = {}) {
    this.hourLimit = positiveInt(opts.hourLimit ?? DEFAULT_HOUR_LIMIT, 'hourLimit');
    this.dayLimit = positiveInt(opts.dayLimit ?? DEFAULT_DAY_LIMIT, 'dayLimit');
    const slack = opts.slackMs ?? 0;
    if (!isFiniteNumber(slack) || slack < 0) {
      throw new RangeError(`slackMs must be a non-negative number: ${slack}`);
    }
    this.hourMs = HOUR_MS + slack;
    this.dayMs = DAY_MS + slack;
    this.onWarning = opts.onWarning;
    this.newId = opts.newId ?? randomUUID;
    if (state !== undefined && state !== null) {
      const issues = new StateIssues();
      for (const [key, entry] of this.parse(state, issues)) {
        this.entries.set(key, entry);
      }
      issues.report(WARNING_PREFIX, this.onWarning);
    }
  }

  onDidChange(listener: () => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  keys(): string[] {
    return [...this.entries.keys()];
  }

  remaining(key: string): BudgetRemaining {
    const now = this.clock.now();
    const e = this.entry(key);
    const hourUsed = countSince(e.spends, now - this.hourMs);
    const dayUsed = countSince(e.spends, now - this.dayMs);
    const hour = Math.max(0, this.hourLimit - hourUsed);
    const day = Math.max(0, this.dayLimit - dayUsed);
    const blocked = e.blockedUntil !== undefined && e.blockedUntil > now;
    const available = blocked ? 0 : Math.min(hour, day);
    const result: BudgetRemaining = { hour, day, hourLimit: this.hourLimit, dayLimit: this.dayLimit, available };
    if (blocked) {
      result.blockedUntil = e.blockedUntil;
    }
    const nextFreeAt = available === 0 ? this.earliest(e, now) : this.nextSlotReturn(e, now);
    if (nextFreeAt !== undefined) {
      result.nextFreeAt = nextFreeAt;
    }
    return result;
  }

  canSpend(key: string): boolean {
    const now = this.clock.now();
    return this.earliest(this.entry(key), now) <= now;
  }

  /** The earliest time (≥ now) at which one delete may be sent. */
  earliestSpendTime(key: string): number {
    return this.earliest(this.entry(key), this.clock.now());
  }

  /** The earliest times at which n deletes can be sent one after another, respecting both windows. */
  scheduleFor(key: string, n: number): number[] {
    const now = this.clock.now();
    const e = this.entry(key);
    const simulated: Entry = { spends: [...e.spends], blockedUntil: e.blockedUntil, streak: e.streak };
    const times: number[] = [];
    let t = now;
    for (let i = 0; i < n; i++) {
      t = this.earliest(simulated, t);
      times.push(t);
      simulated.spends.push({ id: '', at: t });
    }
    return times;
  }

  costOf(key: string, n: number): SpendCost {
    const now = this.clock.now();
    const times = this.scheduleFor(key, n);
    const sendableNow = times.filter((t) => t <= now).length;
    return { now: sendableNow, later: n - sendableNow, finishAt: times.length > 0 ? times[times.length - 1] : now };
  }

  /** Records one DELETE about to be sent (or sent). Call it before sending. */
  recordSpend(key: string, at?: number): SpendRecord {
    const now = this.clock.now();
    const e = this.entry(key, true);
    const when = at === undefined || !isFiniteNumber(at) ? now : Math.min(at, now);
    const record: SpendRecord = { id: this.newId(), at: when };
    insertSorted(e.spends, record);
    this.emit();
    return record;
  }

  /**
   * Records a 429. With Retry-After the integration is blocked until then. Without it, it is blocked
   * until our records allow a delete (if they say there is room, someone else spent it) plus an
   * exponential backoff that grows with each 429 in a row. Returns the new blockedUntil.
   */
  recordRateLimited(key: string, retryAfterMs?: number): number {
    const now = this.clock.now();
    const e = this.entry(key, true);
    e.streak = Math.min(e.streak + 1, MAX_STREAK);
    let until: number;
    if (retryAfterMs !== undefined && isFiniteNumber(retryAfterMs)) {
      until = now + Math.min(Math.max(retryAfterMs, MIN_RETRY_AFTER_MS), this.dayMs);
    } else {
      const backoff = Math.min(RATE_LIMIT_BACKOFF_BASE_MS * 2 ** (e.streak - 1), RATE_LIMIT_BACKOFF_MAX_MS);
      until = this.earliest({ spends: e.spends, streak: e.streak }, now) + backoff;
    }
    e.blockedUntil = Math.max(e.blockedUntil ?? until, until);
    this.emit();
    return e.blockedUntil;
  }

  /** Records an answer other than 429: the backoff starts again from its base next time. */
  recordAnswered(key: string): void {
    const e = this.entries.get(key);
    if (e && e.streak > 0) {
      e.streak = 0;
      this.emit();
    }
  }

  /** Unites another window's state into this one (spends by id, the later block). Returns whether anything changed. */
  merge(other: unknown): boolean {
    const issues = new StateIssues();
    const incoming = this.parse(other, issues);
    issues.report(WARNING_PREFIX, this.onWarning);
    let changed = false;
    for (const [key, theirs] of incoming) {
      const mine = this.entry(key, true);
      const byId = new Map(mine.spends.map((s) => [s.id, s]));
      for (const spend of theirs.spends) {
        const known = byId.get(spend.id);
        if (!known || known.at < spend.at) {
          byId.set(spend.id, spend);
          changed = true;
        }
      }
      mine.spends = [...byId.values()].sort(spendOrder);
      if (theirs.blockedUntil !== undefined && theirs.blockedUntil > (mine.blockedUntil ?? -Infinity)) {
        mine.blockedUntil = theirs.blockedUntil;
        changed = true;
      }
      if (theirs.streak > mine.streak) {
        mine.streak = theirs.streak;
        changed = true;
      }
    }
    if (changed) {
      this.emit();
    }
    return changed;
  }

  toJSON(): PersistedBudget {
    const integrations: Array<[string, PersistedIntegrationBudget]> = [];
    for (const key of this.entries.keys()) {
      const e = this.entry(key);
      if (e.spends.length === 0 && e.blockedUntil === undefined && e.streak === 0) {
        continue;
      }
      const persisted: PersistedIntegrationBudget = { spends: e.spends.map((s) => ({ id: s.id, at: s.at })) };
      if (e.blockedUntil !== undefined) {
        persisted.blockedUntil = e.blockedUntil;
      }
      if (e.streak > 0) {
        persisted.rateLimitStreak = e.streak;
      }
      integrations.push([key, persisted]);
    }
    // fromEntries defines own properties, so a key such as "__proto__" stays data.
    return { version: PERSISTED_VERSION, integrations: Object.fromEntries(integrations) };
  }

  private emit(): void {
    for (const listener of [...this.listeners]) {
      listener();
    }
  }

  /** The entry for key, pruned and clamped against the current clock. */
  private entry(key: string, create = false): Entry {
    let e = this.entries.get(key);
    if (!e) {
      e = { spends: [], streak: 0 };
      if (create) {
        this.entries.set(key, e);
      }
      return e;
    }
    const now = this.clock.now();
    // The clock moved backwards: a spend "in the future" counts as made now, so it keeps
    // counting for a full window by the new clock and nothing is overspent.
    let clamped = 0;
    for (let i = 0; i < e.spends.length; i++) {
      if (e.spends[i].at > now) {
        e.spends[i] = { id: e.spends[i].id, at: now };
        clamped++;
      }
    }
    if (clamped > 0) {
      this.onWarning?.(`Delete budget: the clock moved backwards; spends recorded in the future now count from now: ${clamped}`);
    }
    e.spends = e.spends.filter((s) => s.at > now - this.dayMs);
    if (e.blockedUntil !== undefined) {
      if (e.blockedUntil <= now) {
        e.blockedUntil = undefined;
      } else if (e.blockedUntil > now + this.dayMs) {
        e.blockedUntil = now + this.dayMs;
      }
    }
    return e;
  }

  private earliest(e: Entry, from: number): number {
    return Math.max(
      from,
      e.blockedUntil ?? from,
      windowFreeAt(e.spends, from, this.hourMs, this.hourLimit),
      windowFreeAt(e.spends, from, this.dayMs, this.dayLimit),
    );
  }

  /** When the next spend leaves either window (a slot comes back), if any is counted now. */
  private nextSlotReturn(e: Entry, now: number): number | undefined {
    let next: number | undefined;
    for (const s of e.spends) {
      for (const windowMs of [this.hourMs, this.dayMs]) {
        const out = s.at + windowMs;
        if (out > now && (next === undefined || out < next)) {
          next = out;
        }
      }
    }
    return next;
  }

  private parse(raw: unknown, issues: StateIssues): Map<string, Entry> {
    const result = new Map<string, Entry>();
    if (!isRecord(raw) || raw.version !== PERSISTED_VERSION || !isRecord(raw.integrations)) {
      issues.add('unreadable, discarded');
      return result;
    }
    const now = this.clock.now();
    for (const [key, value] of Object.entries(raw.integrations)) {
      if (key === '' || !isRecord(value) || !Array.isArray(value.spends)) {
        issues.add('unreadable integration entries discarded');
        continue;
      }
      const byId = new Map<string, SpendRecord>();
      for (const item of value.spends) {
        const spend = this.parseSpend(item, now, issues);
        const known = byId.get(spend.id);
        if (!known || known.at < spend.at) {
          byId.set(spend.id, spend);
        }
      }
      const entry: Entry = { spends: [...byId.values()].sort(spendOrder), streak: 0 };
      if (value.blockedUntil !== undefined) {
        if (!isFiniteNumber(value.blockedUntil)) {
          issues.add('unreadable 429 block discarded');
        } else if (value.blockedUntil > now + this.dayMs) {
          issues.add('429 block beyond 24 hours shortened');
          entry.blockedUntil = now + this.dayMs;
        } else if (value.blockedUntil > now) {
          entry.blockedUntil = value.blockedUntil;
        }
      }
      if (value.rateLimitStreak !== undefined) {
        const streak = value.rateLimitStreak;
        if (typeof streak === 'number' && Number.isInteger(streak) && streak >= 0) {
          entry.streak = Math.min(streak, MAX_STREAK);
        } else {
          issues.add('unreadable 429 streak reset');
        }
      }
      result.set(key, entry);
    }
    return result;
  }

  /** A spend that cannot be read still happened: it counts from now, so nothing is overspent. */
  private parseSpend(item: unknown, now: number, issues: StateIssues): SpendRecord {
    const rawAt = isRecord(item) ? item.at : item;
    const rawId = isRecord(item) ? item.id : undefined;
    let at: number;
    if (!isFiniteNumber(rawAt)) {
      issues.add('spends with an unreadable time counted from now');
      at = now;
    } else if (rawAt > now) {
      issues.add('spends dated in the future counted from now');
      at = now;
    } else {
      at = rawAt;
    }
    let id: string;
    if (typeof rawId === 'string' && rawId.length > 0 && rawId.length <= 100) {
      id = rawId;
    } else {
      if (isRecord(item)) {
        issues.add('spends without a readable id given a new one');
      }
      id = this.newId();
    }
    return { id, at };
  }
}

function positiveInt(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(`${name} must be a positive integer: ${value}`);
  }
  return value;
}

function countSince(spends: readonly SpendRecord[], after: number): number {
  let n = 0;
  for (const s of spends) {
    if (s.at > after) {
      n++;
    }
  }
  return n;
}

/**
 * The earliest time ≥ from at which fewer than `limit` spends lie in the window ending then.
 * `spends` is sorted oldest first, so the ones in the window are a suffix and the spend that must
 * leave for a slot to open is the limit-th newest.
 */
function windowFreeAt(spends: readonly SpendRecord[], from: number, windowMs: number, limit: number): number {
  const deciding = spends[spends.length - limit];
  return deciding !== undefined && deciding.at > from - windowMs ? deciding.at + windowMs : from;
}

/** Oldest first; ties by id so that two windows holding the same spends store them alike. */
function spendOrder(a: SpendRecord, b: SpendRecord): number {
  return a.at - b.at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

function insertSorted(spends: SpendRecord[], record: SpendRecord): void {
  let i = spends.length;
  while (i > 0 && spendOrder(spends[i - 1], record) > 0) {
    i--;
  }
  spends.splice(i, 0, record);
}
