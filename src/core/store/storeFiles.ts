import { BUDGET_FILE_PATTERN } from './budgetFile';
import { LEASE_FILE } from './leaseDocument';
import { QUEUE_FILE } from './queueDocument';
import { SESSIONS_FILE } from './sessionsDocument';

/**
 * The files of the shared store's folder:
 *
 *   sessions.json          tracked sessions + tombstones          SessionsDocument
 *   budget-<key>.json      one API key's delete budget            BudgetLedger JSON
 *   queue.json             delete queue + tombstones              QueueDocument
 *   queue-lease.json       which window works the queue           LeaseRecord
 *   <file>.bak             last-good copy of each, written after every write
 *   <file>.lock/           proper-lockfile's cross-process lock while a write is under way
 *   <file>.corrupt-<time>  a damaged file, kept when the next write replaced it
 */
export type StoreFileKind = 'sessions' | 'budget' | 'queue' | 'lease';

/** What a file of the folder holds; undefined for anything else (backups, locks, temporaries). */
export function storeFileKind(name: string): StoreFileKind | undefined {
  if (name === SESSIONS_FILE) {
    return 'sessions';
  }
  if (name === QUEUE_FILE) {
    return 'queue';
  }
  if (name === LEASE_FILE) {
    return 'lease';
  }
  return BUDGET_FILE_PATTERN.test(name) ? 'budget' : undefined;
}
