import { randomUUID } from 'node:crypto';
import type { Clock } from './clock';
import { StateIssues } from './stateIssues';
import { isFiniteNumber } from './typeGuards';
import {
  budgetStateToJSON,
  MAX_RATE_LIMIT_STREAK,
  PERSISTED_BUDGET_VERSION,
  readBudgetState,
  spendOrder,
  type LedgerEntry,
  type PersistedBudget,
  type SpendRecord,
} from './store/budgetFormat';
import { countSince, insertSorted, nextSlotReturn, windowFreeAt } from './budgetWindows';

export type { PersistedBudget, PersistedIntegrationBudget, SpendRecord } from './store/budgetFormat';

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

/** One slot taken for a DELETE about to be sent, or why none is free. */
export type Reservation =
  | { granted: true; spend: SpendRecord }
  | { granted: false; /** When the next slot frees (or the 429 block ends). */ nextFreeAt: number; blockedUntil?: number };

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

export interface BudgetLedgerOptions {
  hourLimit?: number;
  dayLimit?: number;
  /** Extra wait added to both windows before a slot counts as free (0 = exact windows). */
  slackMs?: number;
  /** Told about discarded or sanitised state and about the clock moving backwards. */
  onWarning?: (message: string) => void;
  newId?: () => string;
}

/** An entry seen from one moment: every spend placed on the current wall-clock timeline. */
interface View {
  /** Effective spend times, oldest first. */
  times: number[];
  blockedUntil?: number;
}

const WARNING_PREFIX = 'Delete budget state';

export class BudgetLedger {
  readonly hourLimit: number;
  readonly dayLimit: number;
  private readonly hourMs: number;
  private readonly dayMs: number;
  private readonly onWarning?: (message: string) => void;
  private readonly newId: () => string;
  private readonly entries = new Map<string, LedgerEntry>();
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
      for (const [key, entry] of this.read(state, issues)) {
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
    const v = this.view(key, now);
    const hourUsed = countSince(v.times, now - this.hourMs);
    const dayUsed = countSince(v.times, now - this.dayMs);
    const hour = Math.max(0, this.hourLimit - hourUsed);
    const day = Math.max(0, this.dayLimit - dayUsed);
    const blocked = v.blockedUntil !== undefined && v.blockedUntil > now;
    const available = blocked ? 0 : this.earliest(v, now) > now ? 0 : Math.min(hour, day);
    const result: BudgetRemaining = { hour, day, hourLimit: this.hourLimit, dayLimit: this.dayLimit, available };
    if (blocked) {
      result.blockedUntil = v.blockedUntil;
    }
    const nextFreeAt = available === 0 ? this.earliest(v, now) : nextSlotReturn(v.times, now, [this.hourMs, this.dayMs]);
    if (nextFreeAt !== undefined) {
      result.nextFreeAt = nextFreeAt;
    }
    return result;
  }

  canSpend(key: string): boolean {
    const now = this.clock.now();
    return this.earliest(this.view(key, now), now) <= now;
  }

  /** The earliest time (≥ now) at which one delete may be sent. */
  earliestSpendTime(key: string): number {
    const now = this.clock.now();
    return this.earliest(this.view(key, now), now);
  }

  /** The earliest times at which n deletes can be sent one after another, respecting both windows. */
  scheduleFor(key: string, n: number): number[] {
    return this.schedule(this.view(key, this.clock.now()), this.clock.now(), n);
  }

  costOf(key: string, n: number): SpendCost {
    // One reading of the clock for the whole answer: two readings a millisecond apart made a
    // free slot look taken ("budget" refusals while the status bar showed 5/5).
    const now = this.clock.now();
    const times = this.schedule(this.view(key, now), now, n);
    const sendableNow = times.filter((t) => t <= now).length;
    return { now: sendableNow, later: n - sendableNow, finishAt: times.length > 0 ? times[times.length - 1] : now };
  }

  /**
   * Takes one slot for a DELETE about to be sent: checks and records in one synchronous step, so
   * nothing else can take the same slot in between. Give it back with `giveBack` if the request
   * never left.
   */
  reserve(key: string): Reservation {
    const now = this.clock.now();
    const v = this.view(key, now);
    const at = this.earliest(v, now);
    if (at > now) {
      return { granted: false, nextFreeAt: at, ...(v.blockedUntil !== undefined && v.blockedUntil > now ? { blockedUntil: v.blockedUntil } : {}) };
    }
    return { granted: true, spend: this.record(key, now) };
  }

  /** Takes one key's state from another ledger (the shared store's copy): spends, 429 block and streak. */
  adoptKey(key: string, from: BudgetLedger): void {
    const theirs = from.toJSON().integrations[key];
    const parsed = theirs ? this.read({ version: PERSISTED_BUDGET_VERSION, integrations: { [key]: theirs } }, new StateIssues()).get(key) : undefined;
    if (parsed) {
      this.entries.set(key, parsed);
    } else {
      this.entries.delete(key);
    }
    this.emit();
  }

  /** Returns a reserved slot whose request never left. Returns whether it was found. */
  giveBack(key: string, spendId: string): boolean {
    const e = this.entries.get(key);
    const i = e ? e.spends.findIndex((s) => s.id === spendId) : -1;
    if (!e || i < 0) {
      return false;
    }
    e.spends.splice(i, 1);
    this.emit();
    return true;
  }

  /** Records one DELETE about to be sent (or sent) without checking the budget. Prefer `reserve`. */
  recordSpend(key: string, at?: number): SpendRecord {
    const now = this.clock.now();
    const when = at === undefined || !isFiniteNumber(at) ? now : Math.min(at, now);
    return this.record(key, when);
  }

  /**
   * Records a 429. With Retry-After the integration is blocked until then. Without it, it is blocked
   * until our records allow a delete (if they say there is room, someone else spent it) plus an
   * exponential backoff that grows with each 429 in a row. Returns the new blockedUntil.
   */
  recordRateLimited(key: string, retryAfterMs?: number): number {
    const now = this.clock.now();
    const e = this.entry(key, true);
    e.streak = Math.min(e.streak + 1, MAX_RATE_LIMIT_STREAK);
    let until: number;
    if (retryAfterMs !== undefined && isFiniteNumber(retryAfterMs)) {
      until = now + Math.min(Math.max(retryAfterMs, MIN_RETRY_AFTER_MS), this.dayMs);
    } else {
      const backoff = Math.min(RATE_LIMIT_BACKOFF_BASE_MS * 2 ** (e.streak - 1), RATE_LIMIT_BACKOFF_MAX_MS);
      const v = this.view(key, now);
      until = this.earliest({ times: v.times }, now) + backoff;
    }
    const current = this.view(key, now).blockedUntil;
    const end = Math.max(current ?? until, until);
    e.blockedUntil = end;
    const elapsed = this.clock.elapsed?.();
    if (elapsed !== undefined) {
      e.blockedUp = elapsed + (end - now);
    }
    this.emit();
    return end;
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
    const incoming = this.read(other, issues);
    issues.report(WARNING_PREFIX, this.onWarning);
    let changed = false;
    for (const [key, theirs] of incoming) {
      const mine = this.entry(key, true);
      const byId = new Map(mine.spends.map((s) => [s.id, s]));
      for (const spend of theirs.spends) {
        if (!byId.has(spend.id)) {
          byId.set(spend.id, spend);
          changed = true;
        }
      }
      mine.spends = [...byId.values()].sort(spendOrder);
      if (theirs.blockedUntil !== undefined && theirs.blockedUntil > (mine.blockedUntil ?? -Infinity)) {
        mine.blockedUntil = theirs.blockedUntil;
        changed = true;
      }
      if (theirs.blockedUp !== undefined && theirs.blockedUp > (mine.blockedUp ?? -Infinity)) {
        mine.blockedUp = theirs.blockedUp;
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
    return budgetStateToJSON([...this.entries.keys()].map((key) => [key, this.entry(key)]));
  }

  private read(raw: unknown, issues: StateIssues): Map<string, LedgerEntry> {
    return readBudgetState(raw, issues, { now: this.clock.now(), dayMs: this.dayMs, newId: this.newId });
  }

  private record(key: string, at: number): SpendRecord {
    const e = this.entry(key, true);
    const up = this.clock.elapsed?.();
    const record: SpendRecord = up !== undefined ? { id: this.newId(), at, up } : { id: this.newId(), at };
    insertSorted(e.spends, record);
    this.emit();
    return record;
  }

  private emit(): void {
    for (const listener of [...this.listeners]) {
      listener();
    }
  }

  private entry(key: string, create = false): LedgerEntry {
    let e = this.entries.get(key);
    if (!e) {
      e = { spends: [], streak: 0 };
      if (create) {
        this.entries.set(key, e);
      }
      return e;
    }
    const now = this.clock.now();
    const elapsed = this.clock.elapsed?.();
    // Only what is out of both windows by every clock we trust is forgotten.
    e.spends = e.spends.filter((s) => this.effectiveTime(s, now, elapsed) > now - this.dayMs);
    const blockEnd = this.blockEnd(e, now, elapsed);
    if (blockEnd === undefined || blockEnd <= now) {
      delete e.blockedUntil;
      delete e.blockedUp;
    }
    return e;
  }

  /**
   * The entry placed on the wall-clock timeline of `now`. A spend's age comes from monotonic time
   * when it was recorded in this boot, so a clock turned forward frees nothing; otherwise from its
   * original wall time, so a clock turned back makes it count longer, never shorter.
   */
  private view(key: string, now: number): View {
    const e = this.entry(key);
    const elapsed = this.clock.elapsed?.();
    const times = e.spends.map((s) => this.effectiveTime(s, now, elapsed)).sort((a, b) => a - b);
    const blockedUntil = this.blockEnd(e, now, elapsed);
    return blockedUntil !== undefined && blockedUntil > now ? { times, blockedUntil } : { times };
  }

  private effectiveTime(s: SpendRecord, now: number, elapsed: number | undefined): number {
    if (s.up === undefined || elapsed === undefined) {
      return s.at;
    }
    if (elapsed >= s.up) {
      return now - (elapsed - s.up);
    }
    // The machine restarted since: at least `elapsed` has passed, and the wall clock says the rest.
    return Math.min(s.at, now - elapsed);
  }

  private blockEnd(e: LedgerEntry, now: number, elapsed: number | undefined): number | undefined {
    if (e.blockedUntil === undefined) {
      return undefined;
    }
    let end = e.blockedUntil;
    if (e.blockedUp !== undefined && elapsed !== undefined && elapsed <= e.blockedUp) {
      end = Math.max(end, now + (e.blockedUp - elapsed));
    }
    return Math.min(end, now + this.dayMs);
  }

  private earliest(v: View, from: number): number {
    return Math.max(
      from,
      v.blockedUntil ?? from,
      windowFreeAt(v.times, from, this.hourMs, this.hourLimit),
      windowFreeAt(v.times, from, this.dayMs, this.dayLimit),
    );
  }

  private schedule(v: View, now: number, n: number): number[] {
    const simulated: View = { times: [...v.times], ...(v.blockedUntil !== undefined ? { blockedUntil: v.blockedUntil } : {}) };
    const times: number[] = [];
    let t = now;
    for (let i = 0; i < n; i++) {
      t = this.earliest(simulated, t);
      times.push(t);
      simulated.times.push(t);
    }
    return times;
  }
}

function positiveInt(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(`${name} must be a positive integer: ${value}`);
  }
  return value;
}
