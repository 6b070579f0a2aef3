import { createHash } from 'node:crypto';
import { BudgetLedger, type BudgetLedgerOptions, type BudgetRemaining, type PersistedBudget } from '../budget';
import type { Clock } from '../clock';
import { isRecord } from '../typeGuards';
import type { DocumentCodec } from './jsonFile';

/**
 * `budget-<key>.json`: the delete budget of one API key (its fingerprint), as BudgetLedger's own
 * persisted JSON holding that one key. Every change is made by a BudgetLedger built from the file
 * under the lock, so the rules (windows, 429 blocks) stay BudgetLedger's.
 */

export type LedgerOptions = Pick<BudgetLedgerOptions, 'hourLimit' | 'dayLimit' | 'slackMs'>;

export type StoredReservation =
  | { ok: true; spendId: string; at: number; remaining: BudgetRemaining }
  | { ok: false; nextFreeAt: number; remaining: BudgetRemaining };

const SAFE_KEY = /^[A-Za-z0-9_-]{1,64}$/;
/** `budget-<key>.json`, or `budget.<hash>.json` for a key that is not file-name safe; group 1 is the key. */
export const BUDGET_FILE_PATTERN = /^budget(?:-([A-Za-z0-9_-]{1,64})|\.[0-9a-f]{40})\.json$/;

/** The file of a key: the key itself when it is file-name safe (fingerprints are hex), else a hash of it. */
export function budgetFileName(key: string): string {
  return SAFE_KEY.test(key) ? `budget-${key}.json` : `budget.${createHash('sha256').update(key).digest('hex').slice(0, 40)}.json`;
}

export function budgetCodec(clock: Clock, options: LedgerOptions, onWarningPrefix = ''): DocumentCodec<BudgetLedger> {
  return {
    decode: (json, onWarning) =>
      isRecord(json) && json.version === 1 && isRecord(json.integrations)
        ? new BudgetLedger(clock, json, { ...options, onWarning: (m) => onWarning(`${onWarningPrefix}${m}`) })
        : undefined,
    encode: (ledger) => ledger.toJSON(),
    empty: () => new BudgetLedger(clock, undefined, options),
  };
}

/** The decision of `reserveDelete`, made on the ledger read under the lock. */
export function reserveOn(ledger: BudgetLedger, key: string): StoredReservation {
  const reservation = ledger.reserve(key);
  if (!reservation.granted) {
    return { ok: false, nextFreeAt: reservation.nextFreeAt, remaining: ledger.remaining(key) };
  }
  return { ok: true, spendId: reservation.spend.id, at: reservation.spend.at, remaining: ledger.remaining(key) };
}

/**
 * A ledger without one spend (a DELETE that never left). BudgetLedger has no method for it, so
 * the spend is taken out of its persisted JSON and the ledger built again from that.
 */
export function withoutSpend(
  ledger: BudgetLedger,
  key: string,
  spendId: string,
  clock: Clock,
  options: LedgerOptions,
): BudgetLedger | undefined {
  const json: PersistedBudget = ledger.toJSON();
  const entry = json.integrations[key];
  const index = entry ? entry.spends.findIndex((s) => s.id === spendId) : -1;
  if (!entry || index < 0) {
    return undefined;
  }
  entry.spends.splice(index, 1);
  return new BudgetLedger(clock, json, options);
}

/** The spends a ledger holds for a key (for counting what a merge added). */
export function spendCount(ledger: BudgetLedger, key: string): number {
  return ledger.toJSON().integrations[key]?.spends.length ?? 0;
}
