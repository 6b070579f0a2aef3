import { spendCount } from './budgetFile';
import type { SharedStore } from './sharedStore';

/** Values kept by early versions (globalState, an old sessions.json), to be merged into the shared store once. */
export interface LegacyValues {
  /** SessionStoreJSON (globalState `veriff.sessions` of early versions, or an old sessions.json). */
  sessions?: unknown;
  /** PersistedBudget (globalState `veriff.deleteBudget`): every key's spends, blocks and 429 streaks. */
  budget?: unknown;
  /** PersistedDeleteQueue (globalState `veriff.deleteQueue`). */
  queue?: unknown;
}

export interface LegacyImport {
  sessionsAdded: number;
  /** Sessions of the old copy that stay removed (untracked after that copy was made). */
  sessionsKeptRemoved: number;
  spendsAdded: number;
  queueAdded: number;
}

/**
 * Merges globalState-era values into the store: by id, tombstones respected, never removing.
 * Returns what was added; clear the old keys after.
 */
export async function importLegacy(store: SharedStore, values: LegacyValues, onWarning?: (message: string) => void): Promise<LegacyImport> {
  const report: LegacyImport = { sessionsAdded: 0, sessionsKeptRemoved: 0, spendsAdded: 0, queueAdded: 0 };
  const warn = (what: string) => (m: string) => onWarning?.(`${what} from before: ${m}`);
  if (values.sessions !== undefined && values.sessions !== null) {
    const merged = await store.mergeSessionsCopy(values.sessions);
    report.sessionsAdded = merged.added;
    report.sessionsKeptRemoved = merged.keptRemoved;
  }
  if (values.budget !== undefined && values.budget !== null) {
    const old = store.decodeBudget(values.budget, warn('Delete budget'));
    for (const key of old?.keys() ?? []) {
      const entry = old!.toJSON().integrations[key];
      if (!entry) {
        continue;
      }
      report.spendsAdded += await store.updateBudget(key, (ledger) => {
        const before = spendCount(ledger, key);
        ledger.merge({ version: 1, integrations: { [key]: entry } });
        return spendCount(ledger, key) - before;
      });
    }
  }
  if (values.queue !== undefined && values.queue !== null) {
    report.queueAdded = await store.mergeQueueCopy(values.queue, warn('Delete queue'));
  }
  return report;
}
