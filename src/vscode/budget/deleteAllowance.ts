import type { BudgetLedger } from '../../core/budget';
import { blockedText, costText } from './budgetText';

export interface DeleteAllowance {
  /** How many of the wanted deletes may be sent now (0…wanted). */
  available: number;
  /** Replaces the confirmation's default cost sentence, e.g. "This uses 3 of the 4 deletes left this hour." */
  costText?: string;
  /** Why fewer than wanted may go now, e.g. "The next delete frees at 14:05." */
  blockedText?: string;
}

/** What a confirmation says before n deletes: how many the budget allows now, and the texts. */
export function deleteAllowance(ledger: BudgetLedger, key: string, wanted: number, now: number): DeleteAllowance {
  const remaining = ledger.remaining(key);
  const available = Math.max(0, Math.min(wanted, ledger.costOf(key, wanted).now));
  const allowance: DeleteAllowance = { available };
  if (available > 0) {
    allowance.costText = costText(remaining, available);
  }
  if (available < wanted) {
    const next = ledger.scheduleFor(key, available + 1)[available];
    allowance.blockedText = blockedText(next, now, remaining.blockedUntil);
  }
  return allowance;
}
