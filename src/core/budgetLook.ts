import type { BudgetRemaining } from './budget';
import type { BudgetProblem } from './budgetProblem';


export type BudgetTone = 'normal' | 'warning' | 'error';

export interface BudgetLook {
  tone: BudgetTone;
  /** While no delete may be sent: when the next one may go (shown in the item's text). */
  nextAt?: number;
}

/**
 * How the status bar shows a budget. A spent budget is the normal state after a tidy-up and passes
 * by itself: warning, with the moment the next delete may go. The error colour is kept for what the
 * user must fix.
 */
export function budgetLook(remaining: Pick<BudgetRemaining, 'available' | 'nextFreeAt' | 'blockedUntil'> | undefined, problem?: BudgetProblem): BudgetLook {
  if (problem) {
    return { tone: 'error' };
  }
  if (!remaining || remaining.available > 0) {
    return { tone: 'normal' };
  }
  const nextAt = Math.max(remaining.nextFreeAt ?? 0, remaining.blockedUntil ?? 0);
  return nextAt > 0 ? { tone: 'warning', nextAt } : { tone: 'warning' };
}
