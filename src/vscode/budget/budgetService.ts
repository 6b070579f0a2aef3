import * as vscode from 'vscode';
import type { BudgetLedger, BudgetRemaining, Reservation } from '../../core/budget';
import type { DeleteQueue, QueuedDelete } from '../../core/deleteQueue';
import type { DeleteBudget, DeletePipeline } from '../../core/deletePipeline';
import { normaliseSessionId } from '../../core/ids';
import type { QueueEvent, QueueRunner, RunSummary } from '../../core/queueRunner';
import { BudgetMirror } from '../../core/store/budgetMirror';
import type { SharedStore } from '../../core/store/sharedStore';
import type { BaseServices } from '../baseServices';
import { settings } from '../settings';
import { followOtherWindows, hasLegacyBudget } from './budgetStoreSync';
import type { BudgetTime, BudgetTimeSource } from './budgetTime';
import { QueueLease, type QueueLeaseOptions } from './queueLease';
import { queueEtas, queueOverview, type DeleteQueueView, type QueuedInfo, type QueueOverview } from './queueView';
import { ConnectionResolver } from './connectionResolver';
import { buildQueueRunner, type QueueParts } from './queueParts';

/**
 * The delete budget and the delete queue of every integration, kept in the window's one shared
 * store (the one the tracked sessions use) and shared by all windows: one BudgetLedger, one
 * DeleteQueue, and (in the window holding the lease) one QueueRunner sending the queue's deletes
 * as the budget frees up. It is the DeleteGate that "Delete Session" asks before spending.
 */
export class BudgetService implements DeleteBudget, DeleteQueueView, vscode.Disposable {
  private readonly timeSource: BudgetTimeSource;
  private readonly pipeline: () => DeletePipeline;
  private readonly parts: () => QueueParts;
  /** The window's one shared store (tests reach it to check it is the sessions' one). */
  readonly store: SharedStore;
  private mirror!: BudgetMirror;
  /** Settles when the state of earlier versions (global state) is in the store. */
  private ready: Promise<void> = Promise.resolve();
  /** Built (loading dist/veriff.js) only when the queue has work or someone asks for it. */
  private runnerRef: QueueRunner | undefined;
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
    options: {
      pipeline: () => DeletePipeline;
      parts: () => QueueParts;
      /** The window's one shared store, whose clock follows `time`. */
      store: SharedStore;
      time: BudgetTimeSource;
      lease?: QueueLeaseOptions;
    },
  ) {
    this.timeSource = options.time;
    this.store = options.store;
    const log = services.log;
    this.pipeline = options.pipeline;
    this.parts = options.parts;
    this.lease = new QueueLease(this.store, options.lease);
    this.resolver = new ConnectionResolver(services);
    this.load();
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
    this.ready = hasLegacyBudget(services.context.globalState) ? this.parts().moveBudgetOutOfGlobalState(services, this.store, this.mirror) : Promise.resolve();
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

  get runner(): QueueRunner {
    return (this.runnerRef ??= this.buildRunner());
  }

  get time(): BudgetTime {
    return this.timeSource.time;
  }

  now(): number {
    return this.timeSource.clock.now();
  }

  /** Takes the store's budgets and queue into a new copy; follows other windows' writes. */
  private load(): void {
    this.mirror = new BudgetMirror(this.store, this.timeSource.clock, (m) => this.services.log.warn(m));
    this.partSubscriptions = [
      this.mirror,
      this.mirror.ledger.onDidChange(() => this.markChanged()),
      this.mirror.queue.onDidChange(() => {
        this.markChanged();
        this.scheduleWork();
      }),
      followOtherWindows(this.store, this.mirror, this.lease),
    ];
  }

  private buildRunner(): QueueRunner {
    const runner = buildQueueRunner(this.parts(), this.services, this.resolver, this.pipeline, {
      clock: this.timeSource.clock,
      ledger: this.mirror.ledger,
      queue: this.mirror.queue,
      timers: this.timeSource.time.timers,
      onEvent: (event) => this.onQueueEvent(event),
    });
    if (this.userPaused) runner.pause(PAUSED_BY_USER);
    return runner;
  }

  /**
   * Reads the budget and queue again from the store, as a new window (or a restart) would: stops
   * the runner after the DELETE in flight, saves, and starts over. Tests also swap the clock and
   * timers here (the store's clock follows).
   */
  async reload(time?: Partial<BudgetTime>): Promise<void> {
    this.runnerRef?.stop();
    await this.runnerRef?.whenIdle();
    await this.flush();
    this.partSubscriptions.forEach((s) => s.dispose());
    if (time) {
      this.timeSource.swap(time);
    }
    this.etaCache = undefined;
    this.load();
    this.runnerRef = undefined;
    this.markChanged();
    this.scheduleWork();
    await this.work;
  }

  /** Resolves when every change so far is written to the store. */
  async flush(): Promise<void> {
    await this.ready;
    await this.mirror.flush();
  }

  /** Resolves when the run in progress (if any) and the saves it caused are done. */
  async whenIdle(): Promise<void> {
    await this.work;
    await this.runnerRef?.whenIdle();
    await this.flush();
  }

  // ---- the budget (DeleteBudget for the delete pipeline) -------------------------------------

  remaining(key: string): BudgetRemaining {
    return this.ledger.remaining(key);
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
    return [...ids].filter((id) => this.queue.remove(id)).length;
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
    this.runnerRef?.pause(PAUSED_BY_USER);
    this.services.log.info('Delete queue: paused');
    this.markChanged();
  }

  resume(): void {
    this.userPaused = false;
    if (this.runnerRef?.pausedReason !== undefined) {
      this.runnerRef?.resume();
      this.services.log.info('Delete queue: resumed');
    }
    this.markChanged();
    this.scheduleWork();
  }

  get isPaused(): boolean {
    return this.pausedReason() !== undefined;
  }

  /** Why the queue is paused; a runner not built yet is paused only by the user. */
  private pausedReason = (): string | undefined => (this.runnerRef ? this.runnerRef.pausedReason : this.userPaused ? PAUSED_BY_USER : undefined);

  /**
   * Sends what the budget allows now, from this window (taking the queue over from another one:
   * the user asked here). With the setting on, the runner then keeps going by itself.
   */
  async runNow(): Promise<RunSummary> {
    await this.lease.acquire(true);
    this.resume();
    if (!this.runnerRef || this.runnerRef.state === 'stopped') {
      this.runnerRef = this.buildRunner();
    }
    const runner = this.runnerRef;
    if (settings.continueQueueAutomatically() && runner.state === 'idle') {
      runner.start();
    }
    const summary = await runner.runDue();
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
    const reason = this.pausedReason();
    return queueOverview(
      this.queuedItems(key).map((i) => i.eta),
      {
        manualOnly: !settings.continueQueueAutomatically(),
        worker: this.lease.isHeld ? 'thisWindow' : this.lease.heldElsewhere() ? 'otherWindow' : 'none',
      },
      reason,
    );
  }

  /** ETAs of every queued item (cached for the current time). */
  private etas(): Map<string, QueuedInfo> {
    const now = this.now();
    if (this.etaCache && this.etaCache.at === now) {
      return this.etaCache.map;
    }
    const map = queueEtas(this.queue.items(), this.ledger, (id) => this.runnerRef?.isInFlight(id) ?? false, now);
    this.etaCache = { at: now, map };
    return map;
  }

  // ---- reacting -----------------------------------------------------------------------------

  private markChanged(): void {
    this.etaCache = undefined;
    this.changed.fire();
  }

  private onQueueEvent(event: QueueEvent): void {
    this.parts().logQueueEvent(this.services, event);
    this.queueEvents.fire(event);
    this.markChanged();
  }

  private onLeaseChange(held: boolean): void {
    if (!held && this.runnerRef?.state === 'started') {
      this.services.log.info('Delete queue: another window works the queue now');
      this.runnerRef.stop();
    }
    this.markChanged();
    this.scheduleWork();
  }

  private onCredentialsChange(): void {
    this.resolver.reset();
    const reason = this.runnerRef?.pausedReason;
    if (reason !== undefined && reason !== PAUSED_BY_USER) {
      // Credentials were the likely reason (401/403): try again with the new ones.
      this.services.log.info('Delete queue: credentials changed; resuming');
      this.runnerRef?.resume();
    }
    void this.dropOrphans();
    this.markChanged();
  }

  /** Queued deletes whose integration was removed would spend a delete for nothing: drop them. */
  private async dropOrphans(): Promise<void> {
    const known = this.queue.size === 0 ? undefined : await this.resolver.knownKeys();
    if (known === undefined) {
      return;
    }
    const orphans = this.queue.items().filter((i) => !known.has(i.integrationKey) && !this.runnerRef?.isInFlight(i.id));
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
        await runner?.whenIdle();
        if (this.queue.size === 0) {
          runner?.stop();
          await this.lease.release();
        }
      }
      return;
    }
    if (!auto) {
      if (runner?.state === 'started') runner.stop();
      return;
    }
    if (!this.lease.isHeld) {
      await this.lease.acquire();
    }
    if (!this.lease.isHeld || this.runnerRef !== runner) {
      return;
    }
    if (!this.runnerRef || this.runnerRef.state === 'stopped') {
      this.runnerRef = this.buildRunner();
    }
    if (this.runnerRef.state === 'idle') {
      this.services.log.info(`Delete queue: this window sends the queued deletes (${this.queue.size} waiting)`);
      this.runnerRef.start();
      this.markChanged();
    }
  }

  dispose(): void {
    this.runnerRef?.stop();
    this.partSubscriptions.forEach((s) => s.dispose());
    this.disposables.forEach((d) => d.dispose());
  }
}

const PAUSED_BY_USER = 'paused by the user';
