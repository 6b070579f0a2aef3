import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import type { LeaseRecord } from '../../core/store/leaseDocument';
import type { SharedStore } from '../../core/store/sharedStore';

/** Global-state key of the lease before the shared store (read by nothing now; cleared by tests). */
export const LEASE_STATE_KEY = 'veriff.deleteQueueLease';
export const LEASE_HEARTBEAT_MS = 30_000;
export const LEASE_STALE_MS = 90_000;

export interface QueueLeaseOptions {
  heartbeatMs?: number;
  /** How long a lease lives without a renewal (a window that hung or closed lets it expire). */
  staleMs?: number;
  /** A random id per window unless given. */
  ownerId?: string;
}

/**
 * Which window works the delete queue: the holder of the lease in the shared store, taken under
 * the store's cross-process lock (two windows never both hold it), renewed by a heartbeat, and
 * taken over once it expires or its process is gone. Other windows only display the queue.
 */
export class QueueLease implements vscode.Disposable {
  readonly ownerId: string;
  private readonly heartbeatMs: number;
  private readonly staleMs: number;
  private held = false;
  private wanted = false;
  private timer: ReturnType<typeof setInterval> | undefined;
  private readonly changed = new vscode.EventEmitter<boolean>();
  /** Fires with whether this window holds the lease, each time that changes. */
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly store: SharedStore,
    options: QueueLeaseOptions = {},
  ) {
    this.ownerId = options.ownerId ?? randomUUID();
    this.heartbeatMs = options.heartbeatMs ?? LEASE_HEARTBEAT_MS;
    this.staleMs = options.staleMs ?? LEASE_STALE_MS;
  }

  get isHeld(): boolean {
    return this.held;
  }

  /** The lease as stored (undefined when none). */
  current(): LeaseRecord | undefined {
    return this.store.readLease();
  }

  /** Whether another window holds a lease that has not expired. */
  heldElsewhere(): boolean {
    const lease = this.current();
    return lease !== undefined && lease.holder !== this.ownerId && lease.expiresAt > this.store.leaseClock.now();
  }

  /**
   * Takes the lease when it is free, expired, its holder is gone, or ours (or always, with `force`:
   * the user asked this window to work). While wanted and not held, it keeps checking.
   */
  async acquire(force = false): Promise<boolean> {
    this.wanted = true;
    const result = await this.store.acquireLease({ holder: this.ownerId, ttlMs: this.staleMs, force });
    this.setHeld(result.held);
    this.arm();
    return this.held;
  }

  /** Gives the lease up (the queue is empty): other windows need not wait for it to expire. */
  async release(): Promise<void> {
    this.wanted = false;
    this.disarm();
    await this.store.releaseLease(this.ownerId);
    this.setHeld(false);
  }

  /** One heartbeat: renews the lease if held, notices a takeover, or takes a free one over when wanted. */
  async check(): Promise<void> {
    if (this.held) {
      this.setHeld(await this.store.renewLease(this.ownerId, this.staleMs));
    } else if (this.wanted) {
      this.setHeld((await this.store.acquireLease({ holder: this.ownerId, ttlMs: this.staleMs })).held);
    }
    this.arm();
  }

  private setHeld(held: boolean): void {
    if (held !== this.held) {
      this.held = held;
      this.changed.fire(held);
    }
  }

  private arm(): void {
    if ((this.held || this.wanted) && !this.timer) {
      this.timer = setInterval(() => void this.check().catch(() => undefined), this.heartbeatMs);
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
    if (this.held) {
      void this.store.releaseLease(this.ownerId).catch(() => undefined);
    }
    this.changed.dispose();
  }
}
