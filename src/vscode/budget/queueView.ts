import type * as vscode from 'vscode';
import type { BudgetLedger } from '../../core/budget';
import type { QueuedDelete } from '../../core/deleteQueue';

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

/** ETAs of every queued item: each integration's items take the budget's next free slots in queue order. */
export function queueEtas(
  items: readonly QueuedDelete[],
  ledger: BudgetLedger,
  isInFlight: (id: string) => boolean,
  now: number,
): Map<string, QueuedInfo> {
  const byKey = new Map<string, QueuedDelete[]>();
  for (const item of items) {
    const list = byKey.get(item.integrationKey) ?? [];
    list.push(item);
    byKey.set(item.integrationKey, list);
  }
  const map = new Map<string, QueuedInfo>();
  for (const [key, keyItems] of byKey) {
    const sending = keyItems.filter((i) => isInFlight(i.id));
    const waiting = keyItems.filter((i) => !isInFlight(i.id));
    const times = ledger.scheduleFor(key, waiting.length);
    for (const i of sending) {
      map.set(i.id, { eta: now, sending: true });
    }
    waiting.forEach((i, n) => map.set(i.id, { eta: Math.max(times[n], i.notBefore ?? times[n]), sending: false }));
  }
  return map;
}

/** How many are queued and when the first and last can go, with who works the queue and whether it is paused. */
export function queueOverview(
  etas: readonly number[],
  worker: Pick<QueueOverview, 'manualOnly' | 'worker'>,
  pausedReason: string | undefined,
): QueueOverview {
  const overview: QueueOverview = { count: etas.length, ...worker };
  if (etas.length > 0) {
    overview.finishAt = Math.max(...etas);
    overview.nextAt = Math.min(...etas);
  }
  if (pausedReason !== undefined) {
    overview.pausedReason = pausedReason;
  }
  return overview;
}
