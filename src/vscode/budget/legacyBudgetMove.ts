import type { BudgetMirror } from '../../core/store/budgetMirror';
import { importLegacy } from '../../core/store/legacyImport';
import type { SharedStore } from '../../core/store/sharedStore';
import type { BaseServices } from '../baseServices';
import { BUDGET_STATE_KEY, QUEUE_STATE_KEY, hasLegacyBudget } from './budgetStoreSync';

// Runs once per install that kept its budget in global state (hasLegacyBudget): in dist/veriff.js,
// loaded by BudgetService only then.

/** Moves the budget and queue of earlier versions (global state) into the store, once, without losing a spend. */
export async function moveBudgetOutOfGlobalState(services: BaseServices, store: SharedStore, mirror: BudgetMirror): Promise<void> {
  const state = services.context.globalState;
  if (!hasLegacyBudget(state)) {
    return;
  }
  try {
    const report = await importLegacy(store, { budget: state.get(BUDGET_STATE_KEY), queue: state.get(QUEUE_STATE_KEY) }, (m) => services.log.warn(m));
    for (const key of store.budgetKeys()) {
      mirror.adoptBudget(key);
    }
    mirror.adoptQueue();
    await state.update(BUDGET_STATE_KEY, undefined);
    await state.update(QUEUE_STATE_KEY, undefined);
    services.log.info(`Delete budget: moved ${report.spendsAdded} spend(s) and ${report.queueAdded} queued delete(s) from global state into the shared store`);
  } catch (error) {
    services.log.error(`Delete budget: moving the earlier state failed (kept in global state): ${error instanceof Error ? error.message : String(error)}`);
  }
}
