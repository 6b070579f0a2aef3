import type { BudgetLedger } from './budget';
import type { DeleteQueue } from './deleteQueue';
import type { SessionStatus } from './status';

/**
 * "Tidy up after a test run": which sessions can be deleted now, which wait for budget (and
 * until when), which Veriff would refuse, which are already gone. The plan spends nothing: the
 * caller enqueues the deletable ones (enqueueTidyUp) and a QueueRunner sends them.
 */

export interface TidyUpSession {
  id: string;
  status: SessionStatus;
  addedAt: number;
}

export interface TidyUpPlan<T extends TidyUpSession = TidyUpSession> {
  /** Sendable right now, in sending order. */
  deletableNow: T[];
  /** Deletable but waiting for budget; eta is the earliest time its DELETE can go. */
  queued: Array<T & { eta: number }>;
  /** Veriff refuses a DELETE in this status (still processing); nothing is spent on them. */
  notDeletable: Array<T & { reason: string }>;
  /** Already deleted or never existed. */
  gone: T[];
  /** Ids among deletableNow and queued whose status is unknown: they go last, as the DELETE may be refused. */
  unknownStatus: string[];
  /** When the last DELETE of the plan can go (undefined when there is none). */
  finishAt?: number;
}

export interface TidyUpOptions {
  /** DELETEs already queued for this integration that will be sent before these. */
  aheadInQueue?: number;
}

const REASONS: Partial<Record<SessionStatus, string>> = {
  submitted: 'Veriff is still processing it (submitted); it can be deleted once it has a decision',
  review: 'it is under manual review; it can be deleted once it has a decision',
};

export function planTidyUp<T extends TidyUpSession>(
  sessions: readonly T[],
  ledger: BudgetLedger,
  integrationKey: string,
  opts: TidyUpOptions = {},
): TidyUpPlan<T> {
  const plan: TidyUpPlan<T> = { deletableNow: [], queued: [], notDeletable: [], gone: [], unknownStatus: [] };
  const known: T[] = [];
  const unknown: T[] = [];
  const seen = new Set<string>();
  for (const session of sessions) {
    if (seen.has(session.id)) {
      continue;
    }
    seen.add(session.id);
    const reason = REASONS[session.status];
    if (reason !== undefined) {
      plan.notDeletable.push({ ...session, reason });
    } else if (session.status === 'gone') {
      plan.gone.push(session);
    } else if (session.status === 'unknown') {
      unknown.push(session);
    } else {
      known.push(session);
    }
  }
  const byAge = (a: T, b: T): number => a.addedAt - b.addedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  const order = [...known.sort(byAge), ...unknown.sort(byAge)];
  plan.unknownStatus = unknown.map((s) => s.id);

  const ahead = Math.max(0, Math.floor(opts.aheadInQueue ?? 0));
  const times = ledger.scheduleFor(integrationKey, ahead + order.length).slice(ahead);
  // The schedule is in time order and its first entries are the ones sendable now.
  const sendableNow = Math.max(0, ledger.costOf(integrationKey, ahead + order.length).now - ahead);
  order.forEach((session, i) => {
    if (i < sendableNow) {
      plan.deletableNow.push(session);
    } else {
      plan.queued.push({ ...session, eta: times[i] });
    }
  });
  if (times.length > 0) {
    plan.finishAt = times[times.length - 1];
  }
  return plan;
}

/** Puts the plan's deletable sessions on the queue in sending order. Returns how many were added. */
export function enqueueTidyUp(queue: DeleteQueue, plan: TidyUpPlan, integrationKey: string): number {
  return queue.enqueue([...plan.deletableNow, ...plan.queued].map((s) => ({ id: s.id, integrationKey })));
}
