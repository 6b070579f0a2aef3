import * as vscode from 'vscode';
import { BudgetLedger, type BudgetRemaining } from '../../core/budget';
import { systemClock, type Clock } from '../../core/clock';
import { DeleteQueue, type QueuedDelete } from '../../core/deleteQueue';
import { normaliseSessionId } from '../../core/ids';
import { QueueRunner, systemTimers, type QueueEvent, type RunSummary, type Timers } from '../../core/queueRunner';
import { isRecord } from '../../core/stateIssues';
import type { Reservation } from '../../core/budget';
import type { DeleteBudget } from '../../core/deletePipeline';
import { showFailure } from '../failures';
import type { Services } from '../services';
import { settings } from '../settings';
import { SharedState } from '../sharedState';
import { blockedText, costText } from './budgetText';
import { QueueLease, type QueueLeaseOptions } from './queueLease';
import { SaveChain } from './saveChain';
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

const SETTLED_MEMORY = 1000;
const STORED_BUDGET_RECHECK_MS = 1000;

/**
 * The delete budget and the delete queue of every integration, kept in global state and shared
 * by all windows: one BudgetLedger, one DeleteQueue, and (in the window holding the lease) one
 * QueueRunner sending the queue's deletes as the budget frees up. It is the DeleteGate that
 * "Delete Session" asks before spending.
 */
export class BudgetService implements DeleteBudget, DeleteQueueView, vscode.Disposable {
  private timeSource: BudgetTime;
  private ledgerRef!: BudgetLedger;
  private queueRef!: DeleteQueue;
  private runnerRef!: QueueRunner;
  private partSubscriptions: Array<{ dispose(): void }> = [];
  private readonly budgetState: SharedState;
  private readonly queueState: SharedState;
  private readonly ledgerSaves: SaveChain;
  private readonly queueSaves: SaveChain;
  readonly lease: QueueLease;
  readonly resolver: ConnectionResolver;
  private adopting = false;
  private userPaused = false;
  /** Ids this window saw deleted, gone or refused: another window's stale copy must not bring them back. */
  private readonly settled = new Set<string>();
  private etaCache: { at: number; map: Map<string, QueuedInfo> } | undefined;
  private work: Promise<void> = Promise.resolve();
  private recheck: ReturnType<typeof setTimeout> | undefined;
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires on every change of the budget, the queue, the runner or the lease. */
  readonly onDidChange = this.changed.event;
  private readonly queueEvents = new vscode.EventEmitter<QueueEvent>();
  /** What the queue runner does, as it happens. */
  readonly onDidQueueEvent = this.queueEvents.event;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly services: Services,
    options: { time?: BudgetTime; lease?: QueueLeaseOptions } = {},
  ) {
    this.timeSource = options.time ?? systemBudgetTime;
    const log = services.log;
    this.budgetState = new SharedState(services.context, BUDGET_STATE_KEY);
    this.queueState = new SharedState(services.context, QUEUE_STATE_KEY);
    const onSaveError = (what: string) => (error: unknown) =>
      log.error(`Saving the ${what} failed: ${error instanceof Error ? error.message : String(error)}`);
    this.ledgerSaves = new SaveChain(() => this.budgetState.save(this.ledgerRef.toJSON()), onSaveError('delete budget'));
    this.queueSaves = new SaveChain(() => this.queueState.save(this.queueRef.toJSON()), onSaveError('delete queue'));
    this.lease = new QueueLease(services.context, options.lease);
    this.resolver = new ConnectionResolver(services);
    this.load();
    this.runnerRef = this.buildRunner();
    if (this.queueRef.size > 0) {
      log.info(`Delete queue: ${this.queueRef.size} session(s) waiting from before`);
    }
    this.disposables.push(
      this.budgetState,
      this.queueState,
      this.lease,
      this.changed,
      this.queueEvents,
      this.budgetState.onDidChangeElsewhere((value) => this.adoptBudget(value)),
      this.queueState.onDidChangeElsewhere((value) => this.adoptQueue(value)),
      this.lease.onDidChange((held) => this.onLeaseChange(held)),
      this.queueState.onDidChangeElsewhere(() => this.onSavedElsewhere()),
      this.lease.onDidChangeElsewhere(() => this.onSavedElsewhere()),
      services.sessions.onDidSaveElsewhere(() => this.onSavedElsewhere()),
      services.credentials.onDidChange(() => this.onCredentialsChange()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('veriff.continueQueueAutomatically')) {
          this.scheduleWork();
        }
      }),
    );
    this.scheduleWork();
  }

  // ---- parts ------------------------------------------------------------------------------

  get ledger(): BudgetLedger {
    return this.ledgerRef;
  }

  get queue(): DeleteQueue {
    return this.queueRef;
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

  /** Reads ledger and queue from global state; what cannot be read is discarded with a log line and the clean state saved. */
  private load(): void {
    const log = this.services.log;
    let damaged = false;
    const onLoadWarning = (message: string): void => {
      damaged = true;
      log.warn(message);
    };
    const clock = this.timeSource.clock;
    this.ledgerRef = new BudgetLedger(clock, this.budgetState.load(), { onWarning: onLoadWarning });
    const ledgerDamaged = damaged;
    damaged = false;
    this.queueRef = new DeleteQueue(clock, this.queueState.load(), { onWarning: onLoadWarning });
    const queueDamaged = damaged;
    // Later warnings (the clock moving backwards) are only logged.
    this.partSubscriptions = [
      this.ledgerRef.onDidChange(() => {
        if (!this.adopting) {
          void this.ledgerSaves.request();
        }
        this.markChanged();
      }),
      this.queueRef.onDidChange(() => {
        if (!this.adopting) {
          void this.queueSaves.request();
        }
        this.markChanged();
        this.scheduleWork();
      }),
    ];
    if (ledgerDamaged) {
      void this.ledgerSaves.request();
    }
    if (queueDamaged) {
      void this.queueSaves.request();
    }
  }

  private buildRunner(): QueueRunner {
    const runner = new QueueRunner({
      clock: this.timeSource.clock,
      ledger: this.ledgerRef,
      queue: this.queueRef,
      timers: this.timeSource.timers,
      deleter: createDeleter(this.services, this.resolver),
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
    if (this.recheck) {
      clearTimeout(this.recheck);
      this.recheck = undefined;
    }
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
    await Promise.all([this.ledgerSaves.flush(), this.queueSaves.flush()]);
  }

  /** Resolves when the run in progress (if any) and the saves it caused are done. */
  async whenIdle(): Promise<void> {
    await this.work;
    await this.runnerRef.whenIdle();
    await this.flush();
  }

  // ---- the budget (DeleteBudget for the delete pipeline) -------------------------------------

  remaining(key: string): BudgetRemaining {
    return this.ledgerRef.remaining(key);
  }

  /** What a confirmation says before n deletes: how many the budget allows now, and the texts. */
  preview(key: string, wanted: number): DeleteAllowance {
    const now = this.now();
    const remaining = this.ledgerRef.remaining(key);
    const available = Math.max(0, Math.min(wanted, this.ledgerRef.costOf(key, wanted).now));
    const allowance: DeleteAllowance = { available };
    if (available > 0) {
      allowance.costText = costText(remaining, available);
    }
    if (available < wanted) {
      const next = this.ledgerRef.scheduleFor(key, available + 1)[available];
      allowance.blockedText = blockedText(next, now, remaining.blockedUntil);
    }
    return allowance;
  }

  /** Check and record in one synchronous step on the ledger, then stored before the request leaves. */
  async reserve(key: string): Promise<Reservation> {
    const reservation = this.ledgerRef.reserve(key);
    if (reservation.granted) {
      await this.ledgerSaves.flush();
    }
    return reservation;
  }

  async giveBack(key: string, spendId: string): Promise<void> {
    if (this.ledgerRef.giveBack(key, spendId)) {
      await this.ledgerSaves.flush();
    }
  }

  rateLimited(key: string, retryAfterMs: number | undefined): void {
    const until = this.ledgerRef.recordRateLimited(key, retryAfterMs);
    this.services.log.warn(`Delete budget: Veriff answered 429; no delete is sent before ${new Date(until).toISOString()}`);
  }

  answered(key: string): void {
    this.ledgerRef.recordAnswered(key);
  }

  // ---- the queue ----------------------------------------------------------------------------

  /** Appends sessions (oldest first, as given); returns how many were new to the queue. */
  enqueue(entries: ReadonlyArray<{ id: string; integrationKey: string }>): number {
    for (const e of entries) {
      const id = normaliseSessionId(e.id);
      if (id) {
        this.settled.delete(id);
      }
    }
    return this.queueRef.enqueue(entries);
  }

  /** Removes queued sessions; returns how many were queued. */
  dequeue(ids: Iterable<string>): number {
    let n = 0;
    for (const id of ids) {
      if (this.queueRef.remove(id)) {
        n++;
      }
    }
    return n;
  }

  clearQueue(): number {
    const n = this.dequeue(this.queueRef.items().map((i) => i.id));
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
    return this.queueRef
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
    for (const item of this.queueRef.items()) {
      const list = byKey.get(item.integrationKey) ?? [];
      list.push(item);
      byKey.set(item.integrationKey, list);
    }
    const map = new Map<string, QueuedInfo>();
    for (const [key, items] of byKey) {
      const sending = items.filter((i) => this.runnerRef.isInFlight(i.id));
      const waiting = items.filter((i) => !this.runnerRef.isInFlight(i.id));
      const times = this.ledgerRef.scheduleFor(key, waiting.length);
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
      case 'deleted':
      case 'notDeletable':
        this.remember(event.id);
        break;
      case 'gone':
        this.remember(event.id);
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

  private remember(id: string): void {
    this.settled.add(id);
    if (this.settled.size > SETTLED_MEMORY) {
      this.settled.delete(this.settled.values().next().value as string);
    }
  }

  /** Another window saved the budget: unite its spends with ours; save back only what it lacked. */
  private adoptBudget(value: unknown): void {
    this.adopting = true;
    try {
      this.ledgerRef.merge(value);
    } finally {
      this.adopting = false;
    }
    if (hasWhatTheyLack(this.ledgerRef.toJSON(), value)) {
      void this.ledgerSaves.request();
    }
  }

  /**
   * Another window saved the queue, the lease or its sessions (its budget is adopted by
   * adoptBudget). A window that writes globalState sends all of it, its stale copy of the budget
   * included, which can drop spends this window saved: check that the stored budget still holds
   * ours and save it again if not. Checked at once and a moment later, as the other window's state
   * may arrive after its signal.
   */
  private onSavedElsewhere(): void {
    this.checkStoredBudget();
    if (!this.recheck) {
      this.recheck = setTimeout(() => {
        this.recheck = undefined;
        this.checkStoredBudget();
      }, STORED_BUDGET_RECHECK_MS);
    }
  }

  private checkStoredBudget(): void {
    if (hasWhatTheyLack(this.ledgerRef.toJSON(), this.budgetState.load())) {
      this.services.log.info('Delete budget: the stored budget lacked spends of this window (overwritten by another window); saved again');
      void this.ledgerSaves.request();
    }
  }

  /** Another window saved the queue (it enqueued or cleared): take its list, keeping what this window settled. */
  private adoptQueue(value: unknown): void {
    if (!isRecord(value) || value.version !== 1 || !Array.isArray(value.items)) {
      // Unreadable: keep ours (and write it back) rather than drop the queue.
      this.services.log.warn('Delete queue from another window: unreadable, kept this window\'s queue');
      void this.queueSaves.request();
      return;
    }
    const incoming = new DeleteQueue(this.timeSource.clock, value, { onWarning: (m) => this.services.log.warn(`From another window: ${m}`) })
      .items()
      .filter((i) => !this.settled.has(i.id));
    const wanted = new Map(incoming.map((i) => [i.id, i]));
    let differs = incoming.length !== value.items.length;
    this.adopting = true;
    try {
      for (const item of this.queueRef.items()) {
        if (!wanted.has(item.id)) {
          this.queueRef.remove(item.id);
        }
      }
      for (const item of incoming) {
        if (!this.queueRef.has(item.id)) {
          this.queueRef.enqueue([{ id: item.id, integrationKey: item.integrationKey }]);
        }
        const mine = this.queueRef.get(item.id);
        if (mine && (mine.attempts !== item.attempts || mine.notBefore !== item.notBefore || mine.sentAt !== item.sentAt || mine.lastError !== item.lastError)) {
          if (this.runnerRef.isInFlight(item.id)) {
            differs = true; // ours is newer: it is being sent here
            continue;
          }
          this.queueRef.update(item.id, { attempts: item.attempts, notBefore: item.notBefore, sentAt: item.sentAt, lastError: item.lastError });
        }
      }
    } finally {
      this.adopting = false;
    }
    if (differs) {
      void this.queueSaves.request();
    }
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
    const keys = this.queueRef.items().map((i) => i.integrationKey);
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
    const orphans = this.queueRef.items().filter((i) => !known.has(i.integrationKey) && !this.runnerRef.isInFlight(i.id));
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
    if (this.queueRef.size === 0) {
      if (this.lease.isHeld) {
        await runner.whenIdle();
        if (this.queueRef.size === 0) {
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
      this.services.log.info(`Delete queue: this window sends the queued deletes (${this.queueRef.size} waiting)`);
      this.runnerRef.start();
      this.markChanged();
    }
  }

  dispose(): void {
    if (this.recheck) {
      clearTimeout(this.recheck);
    }
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

/** Whether our budget state holds spends (or a longer 429 block) that theirs lacks. */
function hasWhatTheyLack(mine: { integrations: Record<string, { spends: Array<{ id: string }>; blockedUntil?: number }> }, theirs: unknown): boolean {
  const other = isRecord(theirs) && isRecord(theirs.integrations) ? theirs.integrations : {};
  for (const [key, entry] of Object.entries(mine.integrations)) {
    const their = other[key];
    const ids = new Set(isRecord(their) && Array.isArray(their.spends) ? their.spends.map((s: unknown) => (isRecord(s) ? s.id : undefined)) : []);
    if (entry.spends.some((s) => !ids.has(s.id))) {
      return true;
    }
    const theirBlock = isRecord(their) && typeof their.blockedUntil === 'number' ? their.blockedUntil : -Infinity;
    if ((entry.blockedUntil ?? -Infinity) > theirBlock) {
      return true;
    }
  }
  return false;
}
