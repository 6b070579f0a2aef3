import { BudgetLedger, type Reservation } from '../budget';
import type { Clock } from '../clock';
import { DeleteQueue, type QueuedDelete } from '../deleteQueue';
import type { SharedStore } from './sharedStore';

/**
 * One window's copy of the shared delete budget (every API key's ledger) and delete queue. The
 * store's files are the truth: a reservation is decided there, under the cross-process lock, and
 * the copy then takes the store's state of that key. The queue runner works on the copy; its
 * changes are written to the store as operations by id (enqueue, remove, update), never as a
 * whole list, and other windows' changes are taken from the store when it reports them.
 */
export class BudgetMirror {
  readonly ledger: BudgetLedger;
  readonly queue: DeleteQueue;
  /** The queue as last written to or read from the store, to find what the copy changed. */
  private synced = new Map<string, QueuedDelete>();
  private adopting = false;
  private writes: Promise<void> = Promise.resolve();
  private readonly subscriptions: Array<{ dispose(): void }> = [];

  constructor(
    private readonly store: SharedStore,
    clock: Clock,
    private readonly onWarning: (message: string) => void,
  ) {
    this.ledger = new BudgetLedger(clock, undefined, { onWarning });
    this.queue = new DeleteQueue(clock, undefined, { onWarning });
    this.subscriptions.push(
      this.queue.onDidChange(() => {
        if (!this.adopting) {
          this.syncQueue();
        }
      }),
    );
    for (const key of store.budgetKeys()) {
      this.adoptBudget(key);
    }
    this.adoptQueue();
  }

  /** Checks and records one slot of the key's budget under the store's lock; the copy follows. */
  async reserve(key: string): Promise<Reservation> {
    const r = await this.store.reserveDelete(key);
    this.adoptBudget(key);
    if (r.ok) {
      return { granted: true, spend: { id: r.spendId, at: r.at } };
    }
    return { granted: false, nextFreeAt: r.nextFreeAt, ...(r.remaining.blockedUntil !== undefined ? { blockedUntil: r.remaining.blockedUntil } : {}) };
  }

  async giveBack(key: string, spendId: string): Promise<void> {
    await this.store.giveBack(key, spendId);
    this.adoptBudget(key);
  }

  async rateLimited(key: string, retryAfterMs: number | undefined): Promise<number> {
    const until = await this.store.recordRateLimited(key, retryAfterMs);
    this.adoptBudget(key);
    return until;
  }

  async answered(key: string): Promise<void> {
    await this.store.recordAnswered(key);
    this.adoptBudget(key);
  }

  /** Records spends without a check (migration, tests of persistence). */
  async recordUnchecked(key: string, count = 1): Promise<void> {
    await this.store.updateBudget(key, (ledger) => {
      for (let i = 0; i < count; i++) {
        ledger.recordSpend(key);
      }
    });
    this.adoptBudget(key);
  }

  /** The store's ledger of a key becomes the copy's. */
  adoptBudget(key: string): void {
    this.ledger.adoptKey(key, this.store.readBudget(key));
  }

  /** The store's queue becomes the copy's (another window changed it). */
  adoptQueue(): void {
    const stored = this.store.readQueue();
    this.adopting = true;
    try {
      const wanted = new Map(stored.items().map((i) => [i.id, i]));
      for (const item of this.queue.items()) {
        if (!wanted.has(item.id)) {
          this.queue.remove(item.id);
        }
      }
      for (const item of stored.items()) {
        if (!this.queue.has(item.id)) {
          this.queue.enqueue([{ id: item.id, integrationKey: item.integrationKey }]);
        }
        this.queue.update(item.id, { attempts: item.attempts, notBefore: item.notBefore, sentAt: item.sentAt, lastError: item.lastError });
      }
    } finally {
      this.adopting = false;
    }
    this.synced = new Map(this.queue.items().map((i) => [i.id, { ...i }]));
  }

  /** Resolves when every change of the copy so far is written to the store. */
  flush(): Promise<void> {
    return this.writes;
  }

  dispose(): void {
    for (const s of this.subscriptions) {
      s.dispose();
    }
  }

  /** Writes what the copy changed since the last sync, as operations by id. */
  private syncQueue(): void {
    const now = new Map(this.queue.items().map((i) => [i.id, { ...i }]));
    const before = this.synced;
    this.synced = now;
    const added = [...now.values()].filter((i) => !before.has(i.id));
    const removed = [...before.keys()].filter((id) => !now.has(id));
    const changed = [...now.values()].filter((i) => {
      const old = before.get(i.id);
      return old !== undefined && (old.attempts !== i.attempts || old.notBefore !== i.notBefore || old.sentAt !== i.sentAt || old.lastError !== i.lastError);
    });
    if (added.length + removed.length + changed.length === 0) {
      return;
    }
    this.writes = this.writes
      .then(() =>
        this.store.updateQueue((queue) => {
          queue.enqueue(added.map((i) => ({ id: i.id, integrationKey: i.integrationKey })));
          for (const i of [...added, ...changed]) {
            queue.update(i.id, { attempts: i.attempts, notBefore: i.notBefore, sentAt: i.sentAt, lastError: i.lastError });
          }
          for (const id of removed) {
            queue.remove(id);
          }
        }),
      )
      .then(
        () => undefined,
        (error: unknown) => this.onWarning(`Saving the delete queue failed: ${error instanceof Error ? error.message : String(error)}`),
      );
  }
}
