import type { StateIssues } from '../stateIssues';
import { isFiniteNumber, isRecord } from '../typeGuards';

/**
 * The delete budget as stored (a budget file, or globalState in early versions): every key's
 * spends, 429 block and 429 streak. Reading never throws: what cannot be read is counted in
 * `issues`, and a spend that cannot be read still counts, so nothing is overspent.
 */

export const PERSISTED_BUDGET_VERSION = 1;
/** The 429 streak stops growing here (the backoff is capped long before). */
export const MAX_RATE_LIMIT_STREAK = 20;

export interface SpendRecord {
  /** Unique per spend, so that two windows' records unite without doubling. */
  readonly id: string;
  /** Wall-clock time of the spend; never rewritten. */
  readonly at: number;
  /** Monotonic time since boot at the spend (Clock.elapsed), when the clock has one. */
  readonly up?: number;
}

export interface PersistedIntegrationBudget {
  spends: SpendRecord[];
  blockedUntil?: number;
  /** Monotonic time (Clock.elapsed) at which the 429 block ends. */
  blockedUp?: number;
  rateLimitStreak?: number;
}

export interface PersistedBudget {
  version: 1;
  integrations: Record<string, PersistedIntegrationBudget>;
}

/** One key's state inside a BudgetLedger. */
export interface LedgerEntry {
  /** As recorded (original times); pruned once out of both windows. */
  spends: SpendRecord[];
  blockedUntil?: number;
  blockedUp?: number;
  streak: number;
}

interface ReadContext {
  now: number;
  /** The day window (with slack): a 429 block is never longer. */
  dayMs: number;
  newId: () => string;
}

export function readBudgetState(raw: unknown, issues: StateIssues, context: ReadContext): Map<string, LedgerEntry> {
  const result = new Map<string, LedgerEntry>();
  if (!isRecord(raw) || raw.version !== PERSISTED_BUDGET_VERSION || !isRecord(raw.integrations)) {
    issues.add('unreadable, discarded');
    return result;
  }
  const { now, dayMs } = context;
  for (const [key, value] of Object.entries(raw.integrations)) {
    if (key === '' || !isRecord(value) || !Array.isArray(value.spends)) {
      issues.add('unreadable integration entries discarded');
      continue;
    }
    const byId = new Map<string, SpendRecord>();
    for (const item of value.spends) {
      const spend = readSpend(item, now, issues, context.newId);
      if (!byId.has(spend.id)) {
        byId.set(spend.id, spend);
      }
    }
    const entry: LedgerEntry = { spends: [...byId.values()].sort(spendOrder), streak: 0 };
    if (value.blockedUntil !== undefined) {
      if (!isFiniteNumber(value.blockedUntil)) {
        issues.add('unreadable 429 block discarded');
      } else {
        if (value.blockedUntil > now + dayMs) {
          issues.add('429 block beyond 24 hours shortened');
        }
        entry.blockedUntil = Math.min(value.blockedUntil, now + dayMs);
        if (isFiniteNumber(value.blockedUp)) {
          entry.blockedUp = value.blockedUp;
        }
      }
    }
    if (value.rateLimitStreak !== undefined) {
      const streak = value.rateLimitStreak;
      if (typeof streak === 'number' && Number.isInteger(streak) && streak >= 0) {
        entry.streak = Math.min(streak, MAX_RATE_LIMIT_STREAK);
      } else {
        issues.add('unreadable 429 streak reset');
      }
    }
    result.set(key, entry);
  }
  return result;
}

/** A spend that cannot be read still happened: it counts from now, so nothing is overspent. */
function readSpend(item: unknown, now: number, issues: StateIssues, newId: () => string): SpendRecord {
  const rawAt = isRecord(item) ? item.at : item;
  const rawId = isRecord(item) ? item.id : undefined;
  const rawUp = isRecord(item) ? item.up : undefined;
  let at: number;
  if (!isFiniteNumber(rawAt)) {
    issues.add('spends with an unreadable time counted from now');
    at = now;
  } else {
    if (rawAt > now) {
      // Another machine's clock, or ours turned back: it keeps its time and counts a window past it.
      issues.add('spends dated in the future kept (they count until a window after their time)');
    }
    at = rawAt;
  }
  let id: string;
  if (typeof rawId === 'string' && rawId.length > 0 && rawId.length <= 100) {
    id = rawId;
  } else {
    if (isRecord(item)) {
      issues.add('spends without a readable id given a new one');
    }
    id = newId();
  }
  return isFiniteNumber(rawUp) && rawUp >= 0 ? { id, at, up: rawUp } : { id, at };
}

export function budgetStateToJSON(entries: ReadonlyArray<[string, LedgerEntry]>): PersistedBudget {
  const integrations: Array<[string, PersistedIntegrationBudget]> = [];
  for (const [key, e] of entries) {
    if (e.spends.length === 0 && e.blockedUntil === undefined && e.streak === 0) {
      continue;
    }
    const persisted: PersistedIntegrationBudget = {
      spends: e.spends.map((s) => (s.up !== undefined ? { id: s.id, at: s.at, up: s.up } : { id: s.id, at: s.at })),
    };
    if (e.blockedUntil !== undefined) {
      persisted.blockedUntil = e.blockedUntil;
    }
    if (e.blockedUp !== undefined) {
      persisted.blockedUp = e.blockedUp;
    }
    if (e.streak > 0) {
      persisted.rateLimitStreak = e.streak;
    }
    integrations.push([key, persisted]);
  }
  // fromEntries defines own properties, so a key such as "__proto__" stays data.
  return { version: PERSISTED_BUDGET_VERSION, integrations: Object.fromEntries(integrations) };
}

/** Oldest first; ties by id so that two windows holding the same spends store them alike. */
export function spendOrder(a: SpendRecord, b: SpendRecord): number {
  return a.at - b.at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}
