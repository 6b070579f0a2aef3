/**
 * The shared store: tracked sessions, the delete budget of every API key and the delete queue
 * with its runner lease, as files in one folder (production: `context.globalStorageUri.fsPath`)
 * that every window (extension host process) of VS Code on this machine reads and writes
 * (the files: ./storeFiles).
 *
 * Rules, for every file: reads take no lock (writes are atomic renames of uniquely named
 * temporary files); every change is read-modify-write under the file's cross-process lock;
 * lists are merged by id, never replaced; a damaged file is read from its last-good copy and
 * `onRecovered` is told. Windows learn of each other's writes through `onDidChange` (fs.watch on
 * the folder plus a poll), which also reports this store's own writes (origin 'self').
 *
 * Open ONE per extension host (each opens a watcher and reads the folder):
 * `new SharedStore(globalStorageUri.fsPath, { clock, onRecovered, onWarning }).watch()`
 * (src/vscode/storage/sharedStorage.ts does; SessionRepository and BudgetService both use that one).
 *
 *   onDidChange(listener)          → { kind: 'sessions'|'budget'|'queue'|'lease', file, budgetKey?, origin: 'self'|'elsewhere' }
 *                                    'elsewhere' within ~50 ms of another process's write (fs.watch), at worst one poll (1 s)
 *   readSessions() / updateSessions(ops) / updateSessionsSync(ops) / mergeSessionsCopy(json)
 *                                    sessions as operations (SessionOp); JournaledSessionStore makes them
 *
 * API for the budget and the queue (all async: they wait for the lock; none throws for a busy
 * lock before `lock.timeoutMs`, default staleMs + 5 s, so a crashed writer's lock is taken over):
 *
 *   reserveDelete(key)             → { ok: true, spendId, at, remaining } | { ok: false, nextFreeAt, remaining }
 *                                    check + record one spend in one locked step; call it right before
 *                                    the DELETE leaves. Two processes never both get the last slot.
 *   giveBack(key, spendId)         → boolean: the DELETE never left; the spend is taken out again.
 *   recordRateLimited(key, ms?)    → blockedUntil (BudgetLedger.recordRateLimited under the lock)
 *   recordAnswered(key)            → BudgetLedger.recordAnswered under the lock
 *   updateBudget(key, fn)          → fn(ledger) under the lock (anything else BudgetLedger offers)
 *   readBudget(key)                → a BudgetLedger of the file now (for display; changes to it are not saved)
 *   budgetKeys()                   → keys that have a budget file
 *
 *   enqueue(entries) / dequeue(ids) / updateQueued(id, patch)   → DeleteQueue ops under the lock
 *   updateQueue(fn)                → fn(queue: DeleteQueue) under the lock; removals get tombstones
 *   readQueue()                    → a DeleteQueue of the file now (read-only use)
 *
 *   acquireLease({ holder, ttlMs, force? }) → { held, lease, takenOverFrom? }; free, expired, ours,
 *                                    or held by a process of this machine that is gone → taken
 *   renewLease(holder, ttlMs)      → false when another holder took it over (stop working the queue)
 *   releaseLease(holder)           → gives it up (queue empty, window closing)
 *   readLease()                    → the lease record, if any (check expiresAt against leaseClock)
 *
 *   importLegacy(store, { sessions?, budget?, queue? }) (./legacyImport) → merges globalState-era values
 *                                    (by id, tombstones respected); report of what was added. Clear the old keys after.
 *
 * The `fn` of the update* methods runs synchronously on a fresh copy read under the lock, and can
 * run more than once: compute only from its argument, and do side effects after the promise resolves.
 */
import * as fs from 'node:fs';
import type { BudgetLedger } from '../budget';
import { systemClock, type Clock } from '../clock';
import type { DeleteQueue, QueuedDeletePatch } from '../deleteQueue';
import { budgetCodec, budgetFileName, BUDGET_FILE_PATTERN, reserveOn, withoutSpend, type LedgerOptions, type StoredReservation } from './budgetFile';
import { DirectoryWatcher } from './directoryWatcher';
import { JsonDocumentFile, removeStaleTemporaries, type DocumentCodec, type Recovery } from './jsonFile';
import { acquireOn, leaseCodec, LEASE_FILE, type LeaseDocument, type LeaseRecord, type LeaseRequest, type LeaseResult } from './leaseDocument';
import type { LockOptions } from './lock';
import { storeFileKind, type StoreFileKind } from './storeFiles';
import { QueueDocument, queueCodec, QUEUE_FILE } from './queueDocument';
import { sessionsCodec, SessionsDocument, SESSIONS_FILE, type SessionOp } from './sessionsDocument';

export interface StoreChange {
  kind: StoreFileKind;
  /** The file's name in the folder. */
  file: string;
  /** For a budget file: the key (when the key is file-name safe, as fingerprints are). */
  budgetKey?: string;
  origin: 'self' | 'elsewhere';
}

export interface StoreRecovery extends Recovery {
  kind: StoreFileKind;
}

export interface SharedStoreOptions {
  /**
   * Time of sessions, budget and queue (tests pin it). A getter is asked at every use, so its owner
   * can move the store to another clock (the budget's tests do, through BudgetService.reload).
   */
  clock?: Clock | (() => Clock);
  /** Time of the queue lease: whether a window is alive, so the machine's clock unless a test needs otherwise. */
  leaseClock?: Clock;
  ledger?: LedgerOptions;
  lock?: LockOptions;
  /** A damaged file was read from its last-good copy (or from nothing). */
  onRecovered?: (recovery: StoreRecovery) => void;
  /** Problems inside readable documents, and a failing watcher. */
  onWarning?: (message: string) => void;
  /** Poll interval of the change watcher (ms). */
  pollMs?: number;
}

type Listener = (change: StoreChange) => void;

export class SharedStore {
  /** Follows the `clock` option's getter; the documents read and written hold this, not the clock it returns now. */
  readonly clock: Clock;
  readonly leaseClock: Clock;
  private readonly ledgerOptions: LedgerOptions;
  private readonly sessionsFile: JsonDocumentFile<SessionsDocument>;
  private readonly queueFile: JsonDocumentFile<QueueDocument>;
  private readonly leaseFile: JsonDocumentFile<LeaseDocument>;
  private readonly budgetFiles = new Map<string, JsonDocumentFile<BudgetLedger>>();
  private readonly listeners = new Set<Listener>();
  private watcher: DirectoryWatcher | undefined;
  /** Writes of this process not yet announced, by file name. */
  private readonly ownWrites = new Set<string>();

  constructor(
    readonly dir: string,
    private readonly options: SharedStoreOptions = {},
  ) {
    this.clock = followedClock(options.clock ?? systemClock);
    this.leaseClock = options.leaseClock ?? systemClock;
    this.ledgerOptions = options.ledger ?? {};
    fs.mkdirSync(dir, { recursive: true });
    removeStaleTemporaries(dir);
    this.sessionsFile = this.file(SESSIONS_FILE, 'sessions', sessionsCodec(this.clock));
    this.queueFile = this.file(QUEUE_FILE, 'queue', queueCodec(this.clock));
    this.leaseFile = this.file(LEASE_FILE, 'lease', leaseCodec());
  }

  // ---- change notification --------------------------------------------------------------------

  /** Starts watching the folder for other processes' writes (idempotent). */
  watch(): this {
    if (!this.watcher) {
      this.watcher = new DirectoryWatcher(this.dir, {
        isWatched: (name) => storeFileKind(name) !== undefined,
        onChange: (names) => names.forEach((name) => this.emit(name, 'elsewhere')),
        onError: (m) => this.options.onWarning?.(m),
        pollMs: this.options.pollMs,
      });
      this.watcher.start();
    }
    return this;
  }

  /** Compares the files with their last known versions now (a poll on demand); reports what changed. */
  checkForChanges(): void {
    this.watcher?.check();
  }

  onDidChange(listener: Listener): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  // ---- sessions -------------------------------------------------------------------------------

  readSessions(): SessionsDocument {
    return this.sessionsFile.read();
  }

  /** The last read of sessions.json found it damaged; `updateSessions([])` writes the recovered content (the damaged file is kept). */
  get sessionsDamaged(): boolean {
    return this.sessionsFile.damaged;
  }

  /** Applies the operations, in order, to the sessions the file holds; resolves with the result. */
  updateSessions(ops: readonly SessionOp[]): Promise<SessionsDocument> {
    return this.write(this.sessionsFile, (doc) => {
      for (const op of ops) {
        doc.apply(op);
      }
      return { next: doc, result: doc };
    });
  }

  /** `updateSessions` blocking the thread (shutdown); undefined when it could not run now. */
  updateSessionsSync(ops: readonly SessionOp[]): SessionsDocument | undefined {
    const done = this.sessionsFile.updateSync((doc) => {
      for (const op of ops) {
        doc.apply(op);
      }
      return { next: doc, result: doc };
    });
    this.announceOwnWrites();
    return done?.value;
  }

  /** Merges another copy of the queue (PersistedDeleteQueue; never removes, tombstones respected); resolves with how many were added. */
  mergeQueueCopy(json: unknown, onWarning: (message: string) => void): Promise<number> {
    return this.write(this.queueFile, (doc) => ({ next: doc, result: doc.mergeCopy(json, onWarning) }));
  }

  /** Reads another copy of the budget (PersistedBudget) on this store's clock and limits; undefined when unreadable. */
  decodeBudget(json: unknown, onWarning: (message: string) => void): BudgetLedger | undefined {
    return budgetCodec(this.clock, this.ledgerOptions).decode(json, onWarning);
  }

  /** Merges another copy of the sessions (never removes; tombstones respected). */
  mergeSessionsCopy(json: unknown): Promise<{ added: number; keptRemoved: number }> {
    return this.write(this.sessionsFile, (doc) => ({ next: doc, result: doc.mergeCopy(json, (m) => this.options.onWarning?.(`Merged sessions: ${m}`)) }));
  }

  // ---- budget ---------------------------------------------------------------------------------

  readBudget(key: string): BudgetLedger {
    return this.budgetFile(key).read();
  }

  budgetKeys(): string[] {
    const keys = new Set<string>();
    for (const name of this.names()) {
      if (storeFileKind(name) === 'budget') {
        const file = this.budgetFiles.get(name) ?? this.file(name, 'budget', budgetCodec(this.clock, this.ledgerOptions));
        this.budgetFiles.set(name, file);
        for (const key of file.read().keys()) {
          keys.add(key);
        }
      }
    }
    return [...keys];
  }

  updateBudget<R>(key: string, change: (ledger: BudgetLedger) => R): Promise<R> {
    return this.write(this.budgetFile(key), (ledger) => ({ next: ledger, result: change(ledger) }));
  }

  reserveDelete(key: string): Promise<StoredReservation> {
    return this.updateBudget(key, (ledger) => reserveOn(ledger, key));
  }

  giveBack(key: string, spendId: string): Promise<boolean> {
    return this.write(this.budgetFile(key), (ledger) => {
      const next = withoutSpend(ledger, key, spendId, this.clock, this.ledgerOptions);
      return next ? { next, result: true } : { next: ledger, result: false };
    });
  }

  recordRateLimited(key: string, retryAfterMs?: number): Promise<number> {
    return this.updateBudget(key, (ledger) => ledger.recordRateLimited(key, retryAfterMs));
  }

  recordAnswered(key: string): Promise<void> {
    return this.updateBudget(key, (ledger) => ledger.recordAnswered(key));
  }

  // ---- queue ----------------------------------------------------------------------------------

  readQueue(): DeleteQueue {
    return this.queueFile.read().queue;
  }

  updateQueue<R>(change: (queue: DeleteQueue) => R): Promise<R> {
    return this.write(this.queueFile, (doc) => ({ next: doc, result: doc.change(change) }));
  }

  enqueue(entries: ReadonlyArray<{ id: string; integrationKey: string }>): Promise<number> {
    return this.updateQueue((queue) => queue.enqueue(entries));
  }

  dequeue(ids: Iterable<string>): Promise<number> {
    const list = [...ids];
    return this.updateQueue((queue) => list.filter((id) => queue.remove(id)).length);
  }

  updateQueued(id: string, patch: QueuedDeletePatch): Promise<boolean> {
    return this.updateQueue((queue) => queue.update(id, patch));
  }

  // ---- lease ----------------------------------------------------------------------------------

  readLease(): LeaseRecord | undefined {
    return this.leaseFile.read().lease;
  }

  acquireLease(request: LeaseRequest): Promise<LeaseResult> {
    return this.write(this.leaseFile, (doc) => {
      const next: LeaseDocument = { ...doc };
      return { next, result: acquireOn(next, request, this.leaseClock.now()) };
    });
  }

  renewLease(holder: string, ttlMs: number): Promise<boolean> {
    return this.write(this.leaseFile, (doc) => {
      if (doc.lease?.holder !== holder) {
        return { next: doc, result: false };
      }
      return { next: { lease: { ...doc.lease, expiresAt: this.leaseClock.now() + ttlMs } }, result: true };
    });
  }

  releaseLease(holder: string): Promise<boolean> {
    return this.write(this.leaseFile, (doc) => (doc.lease?.holder === holder ? { next: {}, result: true } : { next: doc, result: false }));
  }

  dispose(): void {
    this.watcher?.dispose();
    this.watcher = undefined;
    this.listeners.clear();
  }

  // ---- internals ------------------------------------------------------------------------------

  private budgetFile(key: string): JsonDocumentFile<BudgetLedger> {
    if (typeof key !== 'string' || key === '') {
      throw new TypeError('A budget key must be a non-empty string');
    }
    const name = budgetFileName(key);
    let file = this.budgetFiles.get(name);
    if (!file) {
      file = this.file(name, 'budget', budgetCodec(this.clock, this.ledgerOptions));
      this.budgetFiles.set(name, file);
    }
    return file;
  }

  private file<T>(name: string, kind: StoreFileKind, codec: DocumentCodec<T>): JsonDocumentFile<T> {
    return new JsonDocumentFile(this.dir, name, codec, {
      lock: this.options.lock,
      onRecovered: (recovery) => this.options.onRecovered?.({ ...recovery, kind }),
      onWarning: (m) => this.options.onWarning?.(m),
      onWritten: (signature) => {
        this.watcher?.know(name, signature);
        this.ownWrites.add(name);
      },
    });
  }

  private async write<T, R>(file: JsonDocumentFile<T>, change: (current: T) => { next: T; result: R }): Promise<R> {
    try {
      return await file.update(change);
    } finally {
      this.announceOwnWrites();
    }
  }

  private announceOwnWrites(): void {
    const names = [...this.ownWrites];
    this.ownWrites.clear();
    for (const name of names) {
      this.emit(name, 'self');
    }
  }

  private emit(name: string, origin: StoreChange['origin']): void {
    const kind = storeFileKind(name);
    if (!kind) {
      return;
    }
    const change: StoreChange = { kind, file: name, origin };
    const budgetKey = BUDGET_FILE_PATTERN.exec(name)?.[1];
    if (budgetKey !== undefined) {
      change.budgetKey = budgetKey;
    }
    for (const listener of [...this.listeners]) {
      try {
        listener(change);
      } catch (err) {
        this.options.onWarning?.(`A store change listener failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }

  private names(): string[] {
    try {
      return fs.readdirSync(this.dir);
    } catch {
      return [];
    }
  }
}

/** A clock that asks `source` at every reading (a plain clock is its own source). */
function followedClock(source: Clock | (() => Clock)): Clock {
  if (typeof source !== 'function') {
    return source;
  }
  return {
    now: () => source().now(),
    get elapsed() {
      const clock = source();
      return clock.elapsed ? () => clock.elapsed!() : undefined;
    },
  };
}


export type { StoredReservation, LedgerOptions } from './budgetFile';
export type { LeaseRecord, LeaseRequest, LeaseResult } from './leaseDocument';
export type { Recovery } from './jsonFile';
export type { SessionOp, Tombstone } from './sessionsDocument';
export { SessionsDocument } from './sessionsDocument';
