import type { Clock } from './clock';
import { HOUR_MS, type BudgetLedger } from './budget';
import type { DeleteQueue, QueuedDelete } from './deleteQueue';
import type { DeleteAttemptResult, Deleter, SessionProbe } from './deleteAttempt';
import { normaliseSessionId } from './ids';
import type { Timers } from './timers';

/**
 * Drains the DeleteQueue against the budget: asks for a DELETE only while the ledger allows one,
 * one request at a time, and sleeps on a single timer until the next slot frees (no polling). The
 * deleter (the delete pipeline) reserves the slot at the moment of sending and may still find none.
 */

export type QueueEvent =
  | { kind: 'sending'; id: string; integrationKey: string }
  | { kind: 'deleted'; id: string; integrationKey: string }
  | { kind: 'gone'; id: string; integrationKey: string; foundByProbe?: boolean }
  | { kind: 'notDeletable'; id: string; integrationKey: string; reason: string }
  | { kind: 'rateLimited'; id: string; integrationKey: string; blockedUntil: number; retryAfterMs?: number }
  | { kind: 'retryLater'; id: string; integrationKey: string; reason: string; attempts: number; notBefore: number }
  | { kind: 'gaveUp'; id: string; integrationKey: string; reason: string; attempts: number }
  | { kind: 'paused'; reason: string; id?: string; integrationKey?: string }
  | { kind: 'resumed' }
  | { kind: 'scheduled'; at: number }
  | { kind: 'idle' };

export interface RunSummary {
  /** DELETE requests sent in this run. */
  sent: number;
  deleted: string[];
  gone: string[];
  notDeletable: Array<{ id: string; reason: string }>;
  retryLater: string[];
  gaveUp: string[];
  /** Integration keys that answered 429. */
  rateLimited: string[];
  /** Set when the runner is paused at the end of the run. */
  pausedReason?: string;
}

export interface QueueRunnerOptions {
  clock: Clock;
  ledger: BudgetLedger;
  queue: DeleteQueue;
  deleter: Deleter;
  timers: Timers;
  onEvent?: (event: QueueEvent) => void;
  probe?: SessionProbe;
  /** DELETEs that may fail in a retryable way before an item is dropped (each one costs budget). */
  maxAttempts?: number;
  retryBaseMs?: number;
  retryMaxMs?: number;
}

export type RunnerState = 'idle' | 'started' | 'paused' | 'stopped';

const DEFAULT_MAX_ATTEMPTS = 3;
const DEFAULT_RETRY_BASE_MS = 60_000;
/** setTimeout overflows beyond 2^31 - 1 ms; a timer that fires early just re-plans. */
const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

export class QueueRunner {
  private readonly clock: Clock;
  private readonly ledger: BudgetLedger;
  private readonly queue: DeleteQueue;
  private readonly deleter: Deleter;
  private readonly timers: Timers;
  private readonly onEvent?: (event: QueueEvent) => void;
  private readonly probe?: SessionProbe;
  private readonly maxAttempts: number;
  private readonly retryBaseMs: number;
  private readonly retryMaxMs: number;

  private readonly inFlight = new Set<string>();
  private current?: Promise<RunSummary>;
  private timer?: unknown;
  private started = false;
  private stopped = false;
  private paused = false;
  private pauseReason?: string;
  private lastAnnounced?: number | 'idle';
  private subscriptions: Array<{ dispose(): void }> = [];

  constructor(opts: QueueRunnerOptions) {
    this.clock = opts.clock;
    this.ledger = opts.ledger;
    this.queue = opts.queue;
    this.deleter = opts.deleter;
    this.timers = opts.timers;
    this.onEvent = opts.onEvent;
    this.probe = opts.probe;
    this.maxAttempts = opts.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
    this.retryBaseMs = opts.retryBaseMs ?? DEFAULT_RETRY_BASE_MS;
    this.retryMaxMs = opts.retryMaxMs ?? HOUR_MS;
  }

  get state(): RunnerState {
    if (this.stopped) {
      return 'stopped';
    }
    if (this.paused) {
      return 'paused';
    }
    return this.started ? 'started' : 'idle';
  }

  get pausedReason(): string | undefined {
    return this.paused ? this.pauseReason : undefined;
  }

  isInFlight(id: string): boolean {
    return this.inFlight.has(normaliseSessionId(id) ?? id);
  }

  /** Runs what is due now, then keeps one timer for the next free slot; re-plans when the ledger or queue change. */
  start(): void {
    if (this.started) {
      return;
    }
    this.started = true;
    this.stopped = false;
    const replan = (): void => {
      if (!this.current) {
        this.scheduleNext();
      }
    };
    this.subscriptions = [this.ledger.onDidChange(replan), this.queue.onDidChange(replan)];
    void this.runDue();
  }

  /** No new DELETE is sent until resume(); one already in flight still has its answer recorded. */
  pause(reason = 'paused'): void {
    this.pauseFor(reason);
  }

  resume(): void {
    if (!this.paused) {
      return;
    }
    this.paused = false;
    this.pauseReason = undefined;
    this.emit({ kind: 'resumed' });
    if (this.started) {
      void this.runDue();
    }
  }

  stop(): void {
    this.started = false;
    this.stopped = true;
    this.clearTimer();
    this.lastAnnounced = undefined;
    for (const subscription of this.subscriptions) {
      subscription.dispose();
    }
    this.subscriptions = [];
  }

  /** Resolves when the run in progress (if any) has finished. */
  async whenIdle(): Promise<void> {
    await this.current;
  }

  /** When the next DELETE could go (undefined: nothing queued that can be sent). */
  nextWakeAt(): number | undefined {
    let wake: number | undefined;
    const earliestByKey = new Map<string, number>();
    for (const item of this.queue.items()) {
      if (this.inFlight.has(item.id)) {
        continue;
      }
      let budgetAt = earliestByKey.get(item.integrationKey);
      if (budgetAt === undefined) {
        budgetAt = this.ledger.earliestSpendTime(item.integrationKey);
        earliestByKey.set(item.integrationKey, budgetAt);
      }
      const at = Math.max(budgetAt, item.notBefore ?? budgetAt);
      wake = wake === undefined ? at : Math.min(wake, at);
    }
    return wake;
  }

  /** Sends every DELETE that is due and allowed now, one at a time. A call during a run joins that run. */
  runDue(): Promise<RunSummary> {
    if (this.current) {
      return this.current;
    }
    // Started in a microtask so that `current` is set before any change event the run causes.
    const run = Promise.resolve().then(() => this.drain());
    this.current = run;
    void run.finally(() => {
      this.current = undefined;
      this.scheduleNext();
    });
    return run;
  }

  private async drain(): Promise<RunSummary> {
    const summary: RunSummary = { sent: 0, deleted: [], gone: [], notDeletable: [], retryLater: [], gaveUp: [], rateLimited: [] };
    try {
      for (let item = this.nextDue(); item && this.mayAct(); item = this.nextDue()) {
        if (!(await this.attempt(item, summary))) {
          break; // nothing happened: stop rather than spin on the same item
        }
      }
    } catch (error) {
      this.pauseFor(`unexpected error: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (this.paused) {
      summary.pausedReason = this.pauseReason;
    }
    return summary;
  }

  private mayAct(): boolean {
    return !this.stopped && !this.paused;
  }

  /** The first queued item (queue order) that is not in flight, not backing off, and whose integration has budget now. */
  private nextDue(): QueuedDelete | undefined {
    const now = this.clock.now();
    const allowed = new Map<string, boolean>();
    for (const item of this.queue.items()) {
      if (this.inFlight.has(item.id) || (item.notBefore ?? now) > now) {
        continue;
      }
      let can = allowed.get(item.integrationKey);
      if (can === undefined) {
        can = this.ledger.canSpend(item.integrationKey);
        allowed.set(item.integrationKey, can);
      }
      if (can) {
        return item;
      }
    }
    return undefined;
  }

  /** Returns whether anything happened (a DELETE sent or the item settled by the probe). */
  private async attempt(item: QueuedDelete, summary: RunSummary): Promise<boolean> {
    const { id, integrationKey } = item;
    this.inFlight.add(id);
    try {
      if (item.sentAt !== undefined && this.probe) {
        const seen = await this.probe(id, integrationKey).catch(() => 'unknown' as const);
        if (seen === 'gone') {
          this.queue.remove(id);
          summary.gone.push(id);
          this.emit({ kind: 'gone', id, integrationKey, foundByProbe: true });
          return true;
        }
      }
      // Re-check after any await: the item may have been removed, the budget spent elsewhere, the runner paused.
      if (!this.queue.has(id) || !this.mayAct() || !this.ledger.canSpend(integrationKey)) {
        return false;
      }
      this.queue.update(id, { sentAt: this.clock.now() });
      this.emit({ kind: 'sending', id, integrationKey });
      let result: DeleteAttemptResult;
      try {
        result = await this.deleter(id, integrationKey);
      } catch (error) {
        result = { kind: 'notSent', reason: error instanceof Error ? error.message : String(error) };
      }
      if (result.kind === 'noBudget' || result.kind === 'busy') {
        this.queue.update(id, { sentAt: undefined });
        return false;
      }
      if (result.kind !== 'notSent') {
        summary.sent++;
      }
      this.record(id, integrationKey, result, summary);
      return true;
    } finally {
      this.inFlight.delete(id);
    }
  }

  /** What an answer means for the queue; the budget itself was told by the deleter (the pipeline). */
  private record(id: string, integrationKey: string, result: DeleteAttemptResult, summary: RunSummary): void {
    switch (result.kind) {
      case 'noBudget':
      case 'busy':
        return;
      case 'notSent':
        this.queue.update(id, { sentAt: undefined, lastError: result.reason });
        this.pauseFor(result.reason, id, integrationKey);
        return;
      case 'deleted':
        this.queue.remove(id);
        summary.deleted.push(id);
        this.emit({ kind: 'deleted', id, integrationKey });
        return;
      case 'gone':
        this.queue.remove(id);
        summary.gone.push(id);
        this.emit({ kind: 'gone', id, integrationKey });
        return;
      case 'notDeletable':
        this.queue.remove(id);
        summary.notDeletable.push({ id, reason: result.reason });
        this.emit({ kind: 'notDeletable', id, integrationKey, reason: result.reason });
        return;
      case 'rateLimited': {
        const blockedUntil = this.ledger.remaining(integrationKey).blockedUntil ?? this.ledger.earliestSpendTime(integrationKey);
        this.queue.update(id, { sentAt: undefined });
        if (!summary.rateLimited.includes(integrationKey)) {
          summary.rateLimited.push(integrationKey);
        }
        this.emit({ kind: 'rateLimited', id, integrationKey, blockedUntil, retryAfterMs: result.retryAfterMs });
        return;
      }
      case 'failed':
        if (result.retryable) {
          this.recordRetryable(id, integrationKey, result.reason, summary);
        } else {
          this.queue.update(id, { sentAt: undefined, lastError: result.reason });
          this.pauseFor(result.reason, id, integrationKey);
        }
        return;
    }
  }

  private recordRetryable(id: string, integrationKey: string, reason: string, summary: RunSummary): void {
    const attempts = (this.queue.get(id)?.attempts ?? 0) + 1;
    if (attempts >= this.maxAttempts) {
      this.queue.remove(id);
      summary.gaveUp.push(id);
      this.emit({ kind: 'gaveUp', id, integrationKey, reason, attempts });
      return;
    }
    const notBefore = this.clock.now() + Math.min(this.retryBaseMs * 2 ** (attempts - 1), this.retryMaxMs);
    this.queue.update(id, { attempts, notBefore, sentAt: undefined, lastError: reason });
    summary.retryLater.push(id);
    this.emit({ kind: 'retryLater', id, integrationKey, reason, attempts, notBefore });
  }

  private pauseFor(reason: string, id?: string, integrationKey?: string): void {
    if (this.paused) {
      return;
    }
    this.paused = true;
    this.pauseReason = reason;
    this.clearTimer();
    this.lastAnnounced = undefined;
    this.emit(id === undefined ? { kind: 'paused', reason } : { kind: 'paused', reason, id, integrationKey });
  }

  private scheduleNext(): void {
    this.clearTimer();
    if (!this.started || this.paused || this.current) {
      return;
    }
    const at = this.nextWakeAt();
    if (at === undefined) {
      if (this.queue.size === 0 && this.lastAnnounced !== 'idle') {
        this.lastAnnounced = 'idle';
        this.emit({ kind: 'idle' });
      }
      return;
    }
    const delay = Math.min(Math.max(0, at - this.clock.now()), MAX_TIMER_DELAY_MS);
    this.timer = this.timers.setTimeout(() => {
      this.timer = undefined;
      void this.runDue();
    }, delay);
    if (this.lastAnnounced !== at) {
      this.lastAnnounced = at;
      this.emit({ kind: 'scheduled', at });
    }
  }

  private clearTimer(): void {
    if (this.timer !== undefined) {
      this.timers.clearTimeout(this.timer);
      this.timer = undefined;
    }
  }

  private emit(event: QueueEvent): void {
    this.onEvent?.(event);
  }
}
