import type { Clock } from './clock';
import { DAY_MS } from './budget';
import { normaliseSessionId } from './ids';
import { StateIssues } from './stateIssues';
import { isFiniteNumber, isRecord } from './typeGuards';

/** Sessions waiting for a DELETE, persisted across reloads (see QueueRunner for who drains it). */

export interface QueuedDelete {
  readonly id: string;
  readonly integrationKey: string;
  readonly enqueuedAt: number;
  /** DELETEs sent for it that failed in a retryable way. */
  attempts: number;
  /** Not before this time (backoff after a retryable failure). */
  notBefore?: number;
  /** A DELETE was sent at this time and its answer was not recorded yet (in flight, or lost by a restart). */
  sentAt?: number;
  lastError?: string;
}

export interface PersistedDeleteQueue {
  version: 1;
  items: QueuedDelete[];
}

export interface DeleteQueueOptions {
  onWarning?: (message: string) => void;
}

export type QueuedDeletePatch = Partial<Pick<QueuedDelete, 'attempts' | 'notBefore' | 'sentAt' | 'lastError'>>;

const PERSISTED_VERSION = 1;
const MAX_TEXT = 500;
const WARNING_PREFIX = 'Delete queue state';

export class DeleteQueue {
  private readonly list: QueuedDelete[] = [];
  private readonly listeners = new Set<() => void>();

  constructor(private readonly clock: Clock, state?: unknown, opts: DeleteQueueOptions = {}) {
    if (state !== undefined && state !== null) {
      const issues = new StateIssues();
      this.list.push(...parseQueue(state, clock.now(), issues));
      issues.report(WARNING_PREFIX, opts.onWarning);
    }
  }

  onDidChange(listener: () => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  get size(): number {
    return this.list.length;
  }

  /** Copies, in queue order (first enqueued first). */
  items(): QueuedDelete[] {
    return this.list.map((item) => ({ ...item }));
  }

  get(id: string): QueuedDelete | undefined {
    const item = this.find(id);
    return item && { ...item };
  }

  has(id: string): boolean {
    return this.find(id) !== undefined;
  }

  /** Appends sessions in the given order; ids already queued or not UUIDs are skipped. Returns how many were added. */
  enqueue(entries: ReadonlyArray<{ id: string; integrationKey: string }>): number {
    const now = this.clock.now();
    let added = 0;
    for (const entry of entries) {
      const id = normaliseSessionId(entry.id);
      if (!id || !entry.integrationKey || this.find(id)) {
        continue;
      }
      this.list.push({ id, integrationKey: entry.integrationKey, enqueuedAt: now, attempts: 0 });
      added++;
    }
    if (added > 0) {
      this.emit();
    }
    return added;
  }

  remove(id: string): boolean {
    const index = this.list.findIndex((item) => item.id === normaliseSessionId(id));
    if (index < 0) {
      return false;
    }
    this.list.splice(index, 1);
    this.emit();
    return true;
  }

  /** Changes the bookkeeping of a queued item; a patch value of undefined clears that field. */
  update(id: string, patch: QueuedDeletePatch): boolean {
    const item = this.find(id);
    if (!item) {
      return false;
    }
    for (const field of ['attempts', 'notBefore', 'sentAt', 'lastError'] as const) {
      if (field in patch) {
        const value = patch[field];
        if (value === undefined) {
          delete item[field];
        } else {
          (item as Record<typeof field, unknown>)[field] = value;
        }
      }
    }
    this.emit();
    return true;
  }

  toJSON(): PersistedDeleteQueue {
    return { version: PERSISTED_VERSION, items: this.items() };
  }

  private find(id: string): QueuedDelete | undefined {
    const normalised = normaliseSessionId(id);
    return this.list.find((item) => item.id === normalised);
  }

  private emit(): void {
    for (const listener of [...this.listeners]) {
      listener();
    }
  }
}

function parseQueue(raw: unknown, now: number, issues: StateIssues): QueuedDelete[] {
  if (!isRecord(raw) || raw.version !== PERSISTED_VERSION || !Array.isArray(raw.items)) {
    issues.add('unreadable, discarded');
    return [];
  }
  const items: QueuedDelete[] = [];
  const seen = new Set<string>();
  for (const value of raw.items) {
    const id = isRecord(value) && typeof value.id === 'string' ? normaliseSessionId(value.id) : undefined;
    const key = isRecord(value) ? value.integrationKey : undefined;
    if (!isRecord(value) || !id || typeof key !== 'string' || key === '' || key.length > MAX_TEXT) {
      issues.add('unreadable entries discarded');
      continue;
    }
    if (seen.has(id)) {
      issues.add('duplicate entries dropped');
      continue;
    }
    seen.add(id);
    const item: QueuedDelete = {
      id,
      integrationKey: key,
      enqueuedAt: readTime(value.enqueuedAt, now, issues, 'enqueue time') ?? now,
      attempts: readAttempts(value.attempts, issues),
    };
    const notBefore = readTime(value.notBefore, now, issues, 'retry time', now + DAY_MS);
    if (notBefore !== undefined) {
      item.notBefore = notBefore;
    }
    const sentAt = readTime(value.sentAt, now, issues, 'send time');
    if (sentAt !== undefined) {
      item.sentAt = sentAt;
    }
    if (typeof value.lastError === 'string') {
      item.lastError = value.lastError.slice(0, MAX_TEXT);
    }
    items.push(item);
  }
  return items;
}

/** A missing time is undefined; an unreadable one too, with a warning; one beyond `max` is clamped to it. */
function readTime(value: unknown, now: number, issues: StateIssues, what: string, max = now): number | undefined {
  if (value === undefined) {
    return undefined;
  }
  if (!isFiniteNumber(value)) {
    issues.add(`unreadable ${what} dropped`);
    return undefined;
  }
  if (value > max) {
    issues.add(`${what} in the future clamped`);
    return max;
  }
  return value;
}

function readAttempts(value: unknown, issues: StateIssues): number {
  if (value === undefined) {
    return 0;
  }
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) {
    return Math.min(value, 1000);
  }
  issues.add('unreadable attempt count reset');
  return 0;
}
