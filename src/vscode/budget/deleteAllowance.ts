import * as vscode from 'vscode';
import type { BudgetLedger, BudgetRemaining } from '../../core/budget';
import { pluralCategory } from '../../core/relativeTime';
import { displayLocale, whenText } from './budgetText';

export interface DeleteAllowance {
  /** How many of the wanted deletes may be sent now (0…wanted). */
  available: number;
  /** Replaces the confirmation's default cost sentence, e.g. "This uses 3 of the 4 deletes left this hour." */
  costText?: string;
  /** Why fewer than wanted may go now, e.g. "The next delete frees at 14:05." */
  blockedText?: string;
}

/**
 * What a confirmation says before n deletes: how many the budget allows now, and the texts. Only
 * the delete flow and the tidy-up offer ask (it ships with them, not with activation).
 */
export function deleteAllowance(budget: { readonly ledger: BudgetLedger; now(): number }, key: string, wanted: number): DeleteAllowance {
  const ledger = budget.ledger;
  const now = budget.now();
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

const one = (n: number): boolean => pluralCategory(n, displayLocale()) === 'one';

/** What a spend of `n` costs, for confirmations: "This uses 3 of the 4 deletes left this hour (9 left today)." */
export function costText(r: BudgetRemaining, n: number): string {
  if (r.day < r.hour) {
    return one(n)
      ? vscode.l10n.t('This uses 1 of the {0} deletes left today ({1} left this hour).', r.day, r.hour)
      : vscode.l10n.t('This uses {0} of the {1} deletes left today ({2} left this hour).', n, r.day, r.hour);
  }
  return one(n)
    ? vscode.l10n.t('This uses 1 of the {0} deletes left this hour ({1} left today).', r.hour, r.day)
    : vscode.l10n.t('This uses {0} of the {1} deletes left this hour ({2} left today).', n, r.hour, r.day);
}

/** Why the next delete has to wait: "The next delete frees in 42 minutes (at 14:05)." */
function blockedText(nextAt: number, now: number, blockedUntil?: number): string {
  if (blockedUntil !== undefined && blockedUntil >= nextAt) {
    return vscode.l10n.t('Veriff answered 429 (too many requests): the next delete may go {0}.', whenText(nextAt, now));
  }
  return vscode.l10n.t('The next delete frees {0}.', whenText(nextAt, now));
}
