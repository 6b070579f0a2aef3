import type { BudgetMirror } from '../../core/store/budgetMirror';
import type { SharedStore } from '../../core/store/sharedStore';
import type { QueueLease } from './queueLease';

/** Global-state keys of the budget and the queue before the shared store (moved into it once). */
export const BUDGET_STATE_KEY = 'veriff.deleteBudget';
export const QUEUE_STATE_KEY = 'veriff.deleteQueue';

/** Takes other windows' writes of budgets, queue and lease into this window's copy as the store reports them. */
export function followOtherWindows(store: SharedStore, mirror: BudgetMirror, lease: QueueLease): { dispose(): void } {
  return store.onDidChange((change) => {
    if (change.origin !== 'elsewhere') {
      return;
    }
    if (change.kind === 'budget' && change.budgetKey !== undefined) {
      mirror.adoptBudget(change.budgetKey);
    } else if (change.kind === 'queue') {
      mirror.adoptQueue();
    } else if (change.kind === 'lease') {
      void lease.check();
    }
  });
}

/** Whether global state still holds the budget or queue of an earlier version (then legacyBudgetMove.ts moves them, once). */
export function hasLegacyBudget(state: { get(key: string): unknown }): boolean {
  return state.get(BUDGET_STATE_KEY) !== undefined || state.get(QUEUE_STATE_KEY) !== undefined;
}
