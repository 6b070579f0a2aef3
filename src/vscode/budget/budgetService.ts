import * as vscode from 'vscode';
import type { BudgetLedger, BudgetRemaining } from '../../core/budget';
import { systemClock, type Clock } from '../../core/clock';
import type { DeleteQueue, QueuedDelete } from '../../core/deleteQueue';
import { normaliseSessionId } from '../../core/ids';
import { QueueRunner, type QueueEvent, type RunSummary } from '../../core/queueRunner';
import { systemTimers, type Timers } from '../../core/timers';
import { BudgetMirror } from '../../core/store/budgetMirror';
import { importLegacy } from '../../core/store/legacyImport';
import { SharedStore } from '../../core/store/sharedStore';
import type { Reservation } from '../../core/budget';
import type { DeleteBudget } from '../../core/deletePipeline';
import { showFailure } from '../failures';
import type { BaseServices } from '../baseServices';
import type { DeletePipeline } from '../../core/deletePipeline';
import { settings } from '../settings';
import { blockedText, costText } from './budgetText';
import { QueueLease, type QueueLeaseOptions } from './queueLease';
import { ConnectionResolver, createDeleter, createProbe } from './sessionDeleter';

export const BUDGET_STATE_KEY = 'veriff.deleteBudget';
export const QUEUE_STATE_KEY = 'veriff.deleteQueue';

/**
 * The budget's sense of time: the clock its windows are measured on and the timers the queue
 * sleeps on. Production uses the system's; tests put a ManualClock (the mock Veriff's own, so
 * both sides agree) and FakeTimers here and move time for both.
 */
export interface BudgetTime {
  readonly clock: Clock;
  readonly timers: Timers;
}

export const systemBudgetTime: BudgetTime = { clock: systemClock, timers: systemTimers };

/** A queued session as the tree shows it. */
export interface QueuedInfo {
  /** The earliest time its DELETE can go (budget and retry backoff). */
  eta: number;
  /** Its DELETE is on the wire right now. */
  sending: boolean;
}

/** Read-only view of the delete queue, for the sessions tree. */
export interface DeleteQueueView {
  readonly onDidChange: vscode.Event<void>;
  queuedInfo(id: string): QueuedInfo | undefined;
  now(): number;
}

export interface QueueOverview {
  /** Queued deletes (of the given integration key, or all). */
  count: number;
  /** When the last of them can go (undefined when none). */
  finishAt?: number;
  /** When the next of them can go. */
  nextAt?: number;
  /** Not sent while true; the reason. */
  pausedReason?: string;
  /** Nothing is sent by itself (the setting is off); only "Run Now". */
  manualOnly: boolean;
  /** This window sends the queue's deletes; otherwise another window does, or nobody right now. */
  worker: 'thisWindow' | 'otherWindow' | 'none';
}

export interface DeleteAllowance {
  /** How many of the wanted deletes may be sent now (0…wanted). */
  available: number;
  /** Replaces the confirmation's default cost sentence, e.g. "This uses 3 of the 4 deletes left this hour." */
  costText?: string;
  /** Why fewer than wanted may go now, e.g. "The next delete frees at 14:05." */
  blockedText?: string;
}


/**
 * The delete budget and the delete queue of every integration, kept in global state and shared
 * by all windows: one BudgetLedger, one DeleteQueue, and (in the window holding the lease) one
 * QueueRunner sending the queue's deletes as the budget frees up. It is the DeleteGate that
 * "Delete Session" asks before spending.
 */
export class BudgetService implements DeleteBudget, DeleteQueueView, vscode.Disposable {
  private timeSource: BudgetTime;
  private readonly dir: string;
  private readonly pipeline: () => DeletePipeline;
  private storeRef!: SharedStore;
  private mirror!: BudgetMirror;
  /** Settles when the state of earlier versions (global state) is in the store. */
  private ready: Promise<void> = Promise.resolve();
  private runnerRef!: QueueRunner;
  private partSubscriptions: Array<{ dispose(): void }> = [];
  readonly lease: QueueLease;
  readonly resolver: ConnectionResolver;
  private userPaused = false;
  private etaCache: { at: number; map: Map<string, QueuedInfo> } | undefined;
  private work: Promise<void> = Promise.resolve();
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires on every change of the budget, the queue, the runner or the lease. */
  readonly onDidChange = this.changed.event;
  private readonly queueEvents = new vscode.EventEmitter<QueueEvent>();
  /** What the queue runner does, as it happens. */
  readonly onDidQueueEvent = this.queueEvents.event;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly services: BaseServices,
    options: { pipeline: () => DeletePipeline; time?: BudgetTime; lease?: QueueLeaseOptions; storeDir?: string },
  ) {
    this.timeSource = options.time ?? systemBudgetTime;
    const log = services.log;
    this.dir = options.storeDir ?? services.context.globalStorageUri.fsPath;
    this.pipeline = options.pipeline;
    this.lease = new QueueLease(() => this.storeRef, options.lease);
    this.resolver = new ConnectionResolver(services);
    this.load();
    this.runnerRef = this.buildRunner();
    if (this.queue.size > 0) {
      log.info(`Delete queue: ${this.queue.size} session(s) waiting from before`);
    }
    this.disposables.push(
      this.lease,
      this.changed,
      this.queueEvents,
      this.lease.onDidChange((held) => this.onLeaseChange(held)),
      services.credentials.onDidChange(() => this.onCredentialsChange()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('veriff.continueQueueAutomatically')) {
          this.scheduleWork();
        }
      }),
    );
    this.ready = this.importFromGlobalState();
    this.scheduleWork();
  }

  // ---- parts ------------------------------------------------------------------------------

  /** This window's copy of every key's budget (the store's files decide reservations). */
  get ledger(): BudgetLedger {
    return this.mirror.ledger;
  }

  get queue(): DeleteQueue {
    return this.mirror.queue;
  }

  /** The shared file store of budgets, queue and lease (tests reach it to act as another window). */
  get store(): SharedStore {
    return this.storeRef;
  }

  get runner(): QueueRunner {
    return this.runnerRef;
  }

  get time(): BudgetTime {
    return this.timeSource;
  }

  now(): number {
    return this.timeSource.clock.now();
  }

  /** Opens the shared store and takes its budgets and queue; follows other windows' writes. */
  private load(): void {
    const log = this.services.log;
    this.storeRef = new SharedStore(this.dir, {
      clock: this.timeSource.clock,
      onWarning: (m) => log.warn(`Delete budget store: ${m}`),
      onRecovered: (r) => {
        log.warn(`Delete budget store: ${r.kind} file was damaged; recovered from its last good copy`);
        void this.services.ui.showWarningMessage(vscode.l10n.t('The delete budget or queue file was damaged and was recovered from its last good copy. The log has the details.'));
      },
    }).watch();
    this.mirror = new BudgetMirror(this.storeRef, this.timeSource.clock, (m) => log.warn(m));
    this.partSubscriptions = [
      this.mirror,
      this.mirror.ledger.onDidChange(() => this.markChanged()),
      this.mirror.queue.onDidChange(() => {
        this.markChanged();
        this.scheduleWork();
      }),
      this.storeRef.onDidChange((change) => {
        if (change.origin !== 'elsewhere') {
          return;
        }
        if (change.kind === 'budget' && change.budgetKey !== undefined) {
          this.mirror.adoptBudget(change.budgetKey);
        } else if (change.kind === 'queue') {
          this.mirror.adoptQueue();
        } else if (change.kind === 'lease') {
          void this.lease.check();
        }
      }),
      { dispose: () => this.storeRef.dispose() },
    ];
  }

  /** Moves the budget and queue of earlier versions (global state) into the store, once, without losing a spend. */
  private async importFromGlobalState(): Promise<void> {
    const state = this.services.context.globalState;
    const budget = state.get<unknown>(BUDGET_STATE_KEY);
    const queue = state.get<unknown>(QUEUE_STATE_KEY);
    if (budget === undefined && queue === undefined) {
      return;
    }
    try {
      const report = await importLegacy(this.storeRef, { budget, queue }, (m) => this.services.log.warn(m));
      for (const key of this.storeRef.budgetKeys()) {
        this.mirror.adoptBudget(key);
      }
      this.mirror.adoptQueue();
      await state.update(BUDGET_STATE_KEY, undefined);
      await state.update(QUEUE_STATE_KEY, undefined);
      this.services.log.info(`Delete budget: moved ${report.spendsAdded} spend(s) and ${report.queueAdded} queued delete(s) from global state into the shared store`);
    } catch (error) {
      this.services.log.error(`Delete budget: moving the earlier state failed (kept in global state): ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private buildRunner(): QueueRunner {
    const runner = new QueueRunner({
      clock: this.timeSource.clock,
      ledger: this.mirror.ledger,
      queue: this.mirror.queue,
      timers: this.timeSource.timers,
      deleter: createDeleter(this.resolver, this.pipeline),
      probe: createProbe(this.services, this.resolver),
      onEvent: (event) => this.onQueueEvent(event),
    });
    if (this.userPaused) {
      runner.pause(PAUSED_BY_USER);
    }
    return runner;
  }

  /**
   * Reads everything again from global state, as a new window (or a restart) would: stops the
   * runner after the DELETE in flight, saves, and starts over. Tests also swap the clock and
   * timers here.
   */
  async reload(time?: Partial<BudgetTime>): Promise<void> {
    this.runnerRef.stop();
    await this.runnerRef.whenIdle();
    await this.flush();
    for (const s of this.partSubscriptions) {
      s.dispose();
    }
    if (time) {
      this.timeSource = { ...this.timeSource, ...time };
    }
    this.etaCache = undefined;
    this.load();
    this.runnerRef = this.buildRunner();
    this.markChanged();
    this.scheduleWork();
    await this.work;
  }

  /** Resolves when every change so far is written to global state. */
  async flush(): Promise<void> {
    await this.ready;
    await this.mirror.flush();
  }

  /** Resolves when the run in progress (if any) and the saves it caused are done. */
  async whenIdle(): Promise<void> {
    await this.work;
    await this.runnerRef.whenIdle();
    await this.flush();
  }

  // ---- the budget (DeleteBudget for the delete pipeline) -------------------------------------

  remaining(key: string): BudgetRemaining {
    return this.ledger.remaining(key);
  }

  /** What a confirmation says before n deletes: how many the budget allows now, and the texts. */
  preview(key: string, wanted: number): DeleteAllowance {
    const now = this.now();
    const remaining = this.ledger.remaining(key);
    const available = Math.max(0, Math.min(wanted, this.ledger.costOf(key, wanted).now));
    const allowance: DeleteAllowance = { available };
    if (available > 0) {
      allowance.costText = costText(remaining, available);
    }
    if (available < wanted) {
      const next = this.ledger.scheduleFor(key, available + 1)[available];
      allowance.blockedText = blockedText(next, now, remaining.blockedUntil);
    }
    return allowance;
  }

  /**
   * Check and record one slot in one step under the store's cross-process lock: no other window or
   * command can take the same slot. Stored before the request leaves.
   */
  async reserve(key: string): Promise<Reservation> {
    await this.ready;
    return this.mirror.reserve(key);
  }

  async giveBack(key: string, spendId: string): Promise<void> {
    await this.mirror.giveBack(key, spendId);
  }

  async rateLimited(key: string, retryAfterMs: number | undefined): Promise<void> {
    const until = await this.mirror.rateLimited(key, retryAfterMs);
    this.services.log.warn(`Delete budget: Veriff answered 429; no delete is sent before ${new Date(until).toISOString()}`);
  }

  async answered(key: string): Promise<void> {
    await this.mirror.answered(key);
  }

  // ---- the queue ----------------------------------------------------------------------------

  /** Appends sessions (oldest first, as given); returns how many were new to the queue. */
  enqueue(entries: ReadonlyArray<{ id: string; integrationKey: string }>): number {
    return this.queue.enqueue(entries);
  }

  /** Removes queued sessions; returns how many were queued. */
  dequeue(ids: Iterable<string>): number {
    let n = 0;
    for (const id of ids) {
      if (this.queue.remove(id)) {
        n++;
      }
    }
    return n;
  }

  clearQueue(): number {
    const n = this.dequeue(this.queue.items().map((i) => i.id));
    if (n > 0) {
      this.services.log.info(`Delete queue: cleared ${n} queued delete(s); the sessions stay tracked`);
    }
    return n;
  }

  pause(): void {
    this.userPaused = true;
    this.runnerRef.pause(PAUSED_BY_USER);
    this.services.log.info('Delete queue: paused');
    this.markChanged();
  }

  resume(): void {
    this.userPaused = false;
    if (this.runnerRef.pausedReason !== undefined) {
      this.runnerRef.resume();
      this.services.log.info('Delete queue: resumed');
    }
    this.markChanged();
    this.scheduleWork();
  }

  get isPaused(): boolean {
    return this.runnerRef.pausedReason !== undefined;
  }

  /**
   * Sends what the budget allows now, from this window (taking the queue over from another one:
   * the user asked here). With the setting on, the runner then keeps going by itself.
   */
  async runNow(): Promise<RunSummary> {
    await this.lease.acquire(true);
    this.resume();
    if (this.runnerRef.state === 'stopped') {
      this.runnerRef = this.buildRunner();
    }
    if (settings.continueQueueAutomatically() && this.runnerRef.state === 'idle') {
      this.runnerRef.start();
    }
    const summary = await this.runnerRef.runDue();
    this.scheduleWork();
    return summary;
  }

  queuedInfo(id: string): QueuedInfo | undefined {
    const normalised = normaliseSessionId(id);
    return normalised ? this.etas().get(normalised) : undefined;
  }

  /** Queued items with their ETA, in queue order (of one integration key, or all). */
  queuedItems(key?: string): Array<QueuedDelete & QueuedInfo> {
    const etas = this.etas();
    return this.queue
      .items()
      .filter((i) => key === undefined || i.integrationKey === key)
      .map((i) => ({ ...i, ...(etas.get(i.id) ?? { eta: this.now(), sending: false }) }));
  }

  overview(key?: string): QueueOverview {
    const items = this.queuedItems(key);
    const overview: QueueOverview = {
      count: items.length,
      manualOnly: !settings.continueQueueAutomatically(),
      worker: this.lease.isHeld ? 'thisWindow' : this.lease.heldElsewhere() ? 'otherWindow' : 'none',
    };
    if (items.length > 0) {
      overview.finishAt = Math.max(...items.map((i) => i.eta));
      overview.nextAt = Math.min(...items.map((i) => i.eta));
    }
    const reason = this.runnerRef.pausedReason;
    if (reason !== undefined) {
      overview.pausedReason = reason;
    }
    return overview;
  }

  /** ETAs of every queued item: each integration's items take the budget's next free slots in queue order. */
  private etas(): Map<string, QueuedInfo> {
    const now = this.now();
    if (this.etaCache && this.etaCache.at === now) {
      return this.etaCache.map;
    }
    const byKey = new Map<string, QueuedDelete[]>();
    for (const item of this.queue.items()) {
      const list = byKey.get(item.integrationKey) ?? [];
      list.push(item);
      byKey.set(item.integrationKey, list);
    }
    const map = new Map<string, QueuedInfo>();
    for (const [key, items] of byKey) {
      const sending = items.filter((i) => this.runnerRef.isInFlight(i.id));
      const waiting = items.filter((i) => !this.runnerRef.isInFlight(i.id));
      const times = this.ledger.scheduleFor(key, waiting.length);
      for (const i of sending) {
        map.set(i.id, { eta: now, sending: true });
      }
      waiting.forEach((i, n) => map.set(i.id, { eta: Math.max(times[n], i.notBefore ?? times[n]), sending: false }));
    }
    this.etaCache = { at: now, map };
    return map;
  }

  // ---- reacting -----------------------------------------------------------------------------

  private markChanged(): void {
    this.etaCache = undefined;
    this.changed.fire();
  }

  private onQueueEvent(event: QueueEvent): void {
    const log = this.services.log;
    switch (event.kind) {
      case 'gone':
        if (event.foundByProbe) {
          log.info(`Delete queue: session ${event.id} no longer exists (its earlier DELETE went through): no longer tracked`);
        }
        break;
      case 'gaveUp':
        log.warn(`Delete queue: gave up on session ${event.id} after ${event.attempts} failed DELETEs (${event.reason}); it stays tracked`);
        break;
      case 'retryLater':
        log.warn(`Delete queue: DELETE of session ${event.id} failed (${event.reason}); retry ${event.attempts} at ${new Date(event.notBefore).toISOString()}`);
        break;
      case 'rateLimited':
        log.warn(`Delete queue: Veriff answered 429; no delete is sent before ${new Date(event.blockedUntil).toISOString()}`);
        break;
      case 'paused':
        log.warn(`Delete queue: paused (${event.reason})`);
        if (event.id !== undefined) {
          // Retrying cannot fix it (credentials, the delete feature): say so once, with the fix.
          void showFailure(this.services, vscode.l10n.t('The delete queue is paused: {0}', event.reason), { credentialsFix: true });
        }
        break;
      case 'idle':
        log.info('Delete queue: done, nothing left to delete');
        break;
      default:
        break;
    }
    this.queueEvents.fire(event);
    this.markChanged();
  }

  private onLeaseChange(held: boolean): void {
    if (!held && this.runnerRef.state === 'started') {
      this.services.log.info('Delete queue: another window works the queue now');
      this.runnerRef.stop();
    }
    this.markChanged();
    this.scheduleWork();
  }

  private onCredentialsChange(): void {
    this.resolver.reset();
    const reason = this.runnerRef.pausedReason;
    if (reason !== undefined && reason !== PAUSED_BY_USER) {
      // Credentials were the likely reason (401/403): try again with the new ones.
      this.services.log.info('Delete queue: credentials changed; resuming');
      this.runnerRef.resume();
    }
    void this.dropOrphans();
    this.markChanged();
  }

  /** Queued deletes whose integration was removed would spend a delete for nothing: drop them. */
  private async dropOrphans(): Promise<void> {
    const keys = this.queue.items().map((i) => i.integrationKey);
    if (keys.length === 0) {
      return;
    }
    const known = new Set<string>();
    for (const integration of this.services.credentials.list()) {
      const key = await this.resolver.keyOf(integration.id).catch(() => undefined);
      if (key === undefined) {
        return; // unreadable secrets: do not guess
      }
      known.add(key);
    }
    const orphans = this.queue.items().filter((i) => !known.has(i.integrationKey) && !this.runnerRef.isInFlight(i.id));
    if (orphans.length > 0) {
      this.services.log.info(`Delete queue: ${orphans.length} queued delete(s) dropped: their integration was removed`);
      this.dequeue(orphans.map((i) => i.id));
    }
  }

  /** Decides (serially) whether this window should work the queue, and starts or stops the runner. */
  private scheduleWork(): void {
    this.work = this.work.then(() => this.updateWork()).catch((error) => {
      this.services.log.error(`Delete queue: ${error instanceof Error ? error.message : String(error)}`);
    });
  }

  private async updateWork(): Promise<void> {
    const runner = this.runnerRef;
    const auto = settings.continueQueueAutomatically();
    if (this.queue.size === 0) {
      if (this.lease.isHeld) {
        await runner.whenIdle();
        if (this.queue.size === 0) {
          runner.stop();
          await this.lease.release();
        }
      }
      return;
    }
    if (!auto) {
      if (runner.state === 'started') {
        runner.stop();
      }
      return;
    }
    if (!this.lease.isHeld) {
      await this.lease.acquire();
    }
    if (!this.lease.isHeld || this.runnerRef !== runner) {
      return;
    }
    if (runner.state === 'stopped') {
      this.runnerRef = this.buildRunner();
    }
    if (this.runnerRef.state === 'idle') {
      this.services.log.info(`Delete queue: this window sends the queued deletes (${this.queue.size} waiting)`);
      this.runnerRef.start();
      this.markChanged();
    }
  }

  dispose(): void {
    this.runnerRef.stop();
    for (const s of this.partSubscriptions) {
      s.dispose();
    }
    for (const d of this.disposables) {
      d.dispose();
    }
  }
}

const PAUSED_BY_USER = 'paused by the user';
