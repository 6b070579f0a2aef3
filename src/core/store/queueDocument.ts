import type { Clock } from '../clock';
import { DeleteQueue, type QueuedDelete } from '../deleteQueue';
import { normaliseSessionId } from '../ids';
import { isFiniteNumber, isRecord } from '../typeGuards';
import type { DocumentCodec } from './jsonFile';
import { TOMBSTONE_TTL_MS } from './sessionsDocument';

/**
 * `queue.json`: the delete queue of every integration (DeleteQueue's own persisted JSON) plus
 * tombstones of items taken out, so that an older copy merged in (an earlier version's global
 * state) does not queue a deleted session again.
 */

export const QUEUE_FILE = 'queue.json';

export class QueueDocument {
  private current: DeleteQueue;
  /** Removal time by session id. */
  readonly removed = new Map<string, number>();

  constructor(
    private readonly clock: Clock,
    json?: unknown,
    onWarning: (message: string) => void = () => undefined,
  ) {
    this.current = new DeleteQueue(clock, json ?? { version: 1, items: [] }, { onWarning });
    if (isRecord(json) && Array.isArray(json.removed)) {
      let bad = 0;
      for (const entry of json.removed) {
        const id = Array.isArray(entry) && typeof entry[0] === 'string' ? normaliseSessionId(entry[0]) : undefined;
        if (!id || !isFiniteNumber(entry[1])) {
          bad++;
          continue;
        }
        this.removed.set(id, Math.max(entry[1] as number, this.removed.get(id) ?? -Infinity));
      }
      if (bad > 0) {
        onWarning(`Delete queue state: removed-item records unreadable, dropped: ${bad}`);
      }
    }
  }

  get queue(): DeleteQueue {
    return this.current;
  }

  /** Runs `change` on the queue; items it took out get a tombstone, items it added lose theirs. */
  change<R>(change: (queue: DeleteQueue) => R): R {
    const before = new Set(this.queue.items().map((i) => i.id));
    const result = change(this.queue);
    const after = new Set(this.queue.items().map((i) => i.id));
    const now = this.clock.now();
    for (const id of before) {
      if (!after.has(id)) {
        this.removed.set(id, now);
      }
    }
    for (const id of after) {
      if (!before.has(id)) {
        this.removed.delete(id);
      }
    }
    return result;
  }

  /** Adds the items of an older copy this queue lacks, unless they were taken out after being queued there. Returns how many. */
  mergeCopy(json: unknown, onWarning: (message: string) => void = () => undefined): number {
    const copy = new DeleteQueue(this.clock, json, { onWarning });
    const fresh: QueuedDelete[] = copy
      .items()
      .filter((item) => !this.queue.has(item.id) && !((this.removed.get(item.id) ?? -Infinity) >= item.enqueuedAt));
    if (fresh.length === 0) {
      return 0;
    }
    this.current = new DeleteQueue(this.clock, { version: 1, items: [...this.current.items(), ...fresh] });
    for (const item of fresh) {
      this.removed.delete(item.id);
    }
    return fresh.length;
  }

  toJSON(): { version: 1; items: QueuedDelete[]; removed: Array<[string, number]> } {
    const now = this.clock.now();
    const removed: Array<[string, number]> = [];
    for (const [id, at] of this.removed) {
      if (at >= now - TOMBSTONE_TTL_MS) {
        removed.push([id, at]);
      } else {
        this.removed.delete(id);
      }
    }
    return { ...this.queue.toJSON(), removed };
  }
}

export function queueCodec(clock: Clock): DocumentCodec<QueueDocument> {
  return {
    decode: (json, onWarning) =>
      isRecord(json) && json.version === 1 && Array.isArray(json.items) ? new QueueDocument(clock, json, onWarning) : undefined,
    encode: (doc) => doc.toJSON(),
    empty: () => new QueueDocument(clock),
  };
}
