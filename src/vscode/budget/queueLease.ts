import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import { systemClock, type Clock } from '../../core/clock';
import { isFiniteNumber, isRecord } from '../../core/stateIssues';
import { SharedState } from '../sharedState';

export const LEASE_STATE_KEY = 'veriff.deleteQueueLease';
export const LEASE_HEARTBEAT_MS = 30_000;
export const LEASE_STALE_MS = 90_000;

export interface LeaseRecord {
  owner: string;
  heartbeatAt: number;
}

export interface QueueLeaseOptions {
  /** Wall-clock time of this machine (not the budget's clock: a lease is about windows being alive). */
  clock?: Clock;
  heartbeatMs?: number;
  staleMs?: number;
  /** A random id per window unless given. */
  ownerId?: string;
}

/**
 * Which window works the delete queue: the holder of a lease in global state, renewed by a
 * heartbeat and taken over by another window once it is stale (its window closed or hung). Other
 * windows only display the queue. Changes reach every window through SharedState's signal.
 */
export class QueueLease implements vscode.Disposable {
  readonly ownerId: string;
  private readonly shared: SharedState;
  private readonly clock: Clock;
  private readonly heartbeatMs: number;
  private readonly staleMs: number;
  private held = false;
  private wanted = false;
  private timer: ReturnType<typeof setInterval> | undefined;
  private readonly changed = new vscode.EventEmitter<boolean>();
  /** Fires with whether this window holds the lease, each time that changes. */
  readonly onDidChange = this.changed.event;
  private readonly subscription: vscode.Disposable;

  constructor(context: vscode.ExtensionContext, options: QueueLeaseOptions = {}) {
    this.ownerId = options.ownerId ?? randomUUID();
    this.clock = options.clock ?? systemClock;
    this.heartbeatMs = options.heartbeatMs ?? LEASE_HEARTBEAT_MS;
    this.staleMs = options.staleMs ?? LEASE_STALE_MS;
    this.shared = new SharedState(context, LEASE_STATE_KEY);
    this.subscription = this.shared.onDidChangeElsewhere(() => void this.check());
  }

  /** Fires when another window saved the lease (took it, renewed it or gave it back). */
  get onDidChangeElsewhere(): vscode.Event<unknown> {
    return this.shared.onDidChangeElsewhere;
  }

  get isHeld(): boolean {
    return this.held;
  }

  /** The lease as stored (undefined when none or unreadable). */
  current(): LeaseRecord | undefined {
    const raw = this.shared.load();
    return isRecord(raw) && typeof raw.owner === 'string' && isFiniteNumber(raw.heartbeatAt) ? { owner: raw.owner, heartbeatAt: raw.heartbeatAt } : undefined;
  }

  /** Whether another window holds a lease that is still fresh. */
  heldElsewhere(): boolean {
    const lease = this.current();
    return lease !== undefined && lease.owner !== this.ownerId && !this.isStale(lease);
  }

  /**
   * Takes the lease when it is free, stale or ours (or always, with `force`: the user asked this
   * window to work). While wanted and not held, it keeps checking whether the holder went away.
   */
  async acquire(force = false): Promise<boolean> {
    this.wanted = true;
    const lease = this.current();
    if (force || !lease || lease.owner === this.ownerId || this.isStale(lease)) {
      await this.write();
      this.setHeld(true);
    } else {
      this.setHeld(false);
    }
    this.arm();
    return this.held;
  }

  /** Gives the lease up (the queue is empty): other windows need not wait for it to go stale. */
  async release(): Promise<void> {
    this.wanted = false;
    this.disarm();
    if (this.current()?.owner === this.ownerId) {
      await this.shared.save(undefined);
    }
    this.setHeld(false);
  }

  /** One heartbeat: renews the lease if held, notices a takeover, or takes a stale one over when wanted. */
  async check(): Promise<void> {
    const lease = this.current();
    if (this.held) {
      if (lease && lease.owner !== this.ownerId) {
        this.setHeld(false); // another window took over
      } else {
        await this.write();
      }
    } else if (this.wanted && (!lease || this.isStale(lease))) {
      await this.write();
      this.setHeld(true);
    }
    this.arm();
  }

  private isStale(lease: LeaseRecord): boolean {
    return this.clock.now() - lease.heartbeatAt > this.staleMs;
  }

  private async write(): Promise<void> {
    await this.shared.save({ owner: this.ownerId, heartbeatAt: this.clock.now() } satisfies LeaseRecord);
  }

  private setHeld(held: boolean): void {
    if (held !== this.held) {
      this.held = held;
      this.changed.fire(held);
    }
  }

  /** One interval while the lease is held (heartbeat) or wanted (watch for a stale holder). */
  private arm(): void {
    if ((this.held || this.wanted) && !this.timer) {
      this.timer = setInterval(() => void this.check(), this.heartbeatMs);
    } else if (!this.held && !this.wanted) {
      this.disarm();
    }
  }

  private disarm(): void {
    if (this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  dispose(): void {
    this.disarm();
    if (this.held && this.current()?.owner === this.ownerId) {
      void this.shared.save(undefined);
    }
    this.subscription.dispose();
    this.shared.dispose();
    this.changed.dispose();
  }
}
