import type { Reservation } from './budget';
import type { Clock } from './clock';
import { type DeleteFailure, recordDeleteResult } from './deleteOutcome';
import { type DeleteResult, classifyDeleteOutcome } from './deletePlan';
import type { DeletedSession, Outcome } from './http/outcomes';
import type { SessionStore } from './store/sessionStore';

/**
 * The one path every DELETE takes, whoever asks (the tree, the palette, a multi-selection, tidy-up,
 * the queue): reserve a slot of the API key's budget immediately before sending (given back if the
 * request never left) → send → classify (only signed answers count) → record on the session → log.
 * Callers differ only in what they show.
 */

/** The budget of every API key, as the pipeline needs it. */
export interface DeleteBudget {
  /** Checks and records one slot in one step (atomic within the window and across windows). */
  reserve(key: string): Reservation | Promise<Reservation>;
  /** The request never left: the slot is free again. */
  giveBack(key: string, spendId: string): void | Promise<void>;
  rateLimited(key: string, retryAfterMs: number | undefined): void | Promise<void>;
  /** Any answer but 429: the 429 backoff starts again from its base. */
  answered(key: string): void | Promise<void>;
}

export interface DeleteSender {
  deleteSession(id: string, opts?: { signal?: AbortSignal }): Promise<Outcome<DeletedSession>>;
}

/** Where a DELETE goes: the integration, its budget key (an API-key fingerprint) and its signed client. */
export interface DeleteTarget {
  readonly integrationId: string;
  readonly integrationName: string;
  readonly key: string;
  readonly client: DeleteSender;
}

export type PipelineStep =
  /** No slot is free: nothing was sent. */
  | { kind: 'notSent'; reason: 'budget'; nextFreeAt: number; blockedUntil?: number }
  /** Cancelled before sending. */
  | { kind: 'notSent'; reason: 'cancelled' }
  /** The request could not leave (bad id, a client that cannot connect): its slot was given back. */
  | { kind: 'notSent'; reason: 'couldNotSend'; message: string }
  | { kind: 'sent'; result: DeleteResult };

export interface PipelineLog {
  info(message: string): void;
  warn(message: string): void;
}

export interface DeletePipelineDeps {
  budget: DeleteBudget;
  sessions: Pick<SessionStore, 'remove' | 'updateStatus' | 'setError'>;
  log: PipelineLog;
  clock: Clock;
  /** User-facing text of a failure, recorded on the session's row. */
  describe(failure: DeleteFailure): string;
  /** Told every answer (e.g. the status bar notes a 403 "deletion not enabled"). */
  onAnswer?(target: DeleteTarget, id: string, result: DeleteResult): void;
}

export interface SendOptions {
  signal?: AbortSignal;
  /** Who asked; the queue keeps a 429'd session queued without an error on its row. */
  via: 'command' | 'queue';
  /** Whether the session is tracked (only for the log line). */
  tracked?: boolean;
}

/** Whether a DELETE's outcome means the request never reached the network. */
export function neverLeft(outcome: Outcome<DeletedSession>): boolean {
  return outcome.kind === 'invalidInput' || ((outcome.kind === 'network' || outcome.kind === 'cancelled') && outcome.notSent === true);
}

export class DeletePipeline {
  /** `integrationId/id` of every session a DELETE is being prepared or sent for, in this window. */
  private readonly inFlight = new Set<string>();

  constructor(private readonly deps: DeletePipelineDeps) {}

  /** Claims sessions for one deletion (synchronously, so a double click's second call sees the claim). */
  claim(integrationId: string, ids: readonly string[]): { mine: string[]; busy: string[] } {
    const mine: string[] = [];
    const busy: string[] = [];
    for (const id of ids) {
      const k = `${integrationId}/${id}`;
      if (this.inFlight.has(k)) {
        busy.push(id);
      } else {
        this.inFlight.add(k);
        mine.push(id);
      }
    }
    return { mine, busy };
  }

  release(integrationId: string, ids: readonly string[]): void {
    for (const id of ids) {
      this.inFlight.delete(`${integrationId}/${id}`);
    }
  }

  isInFlight(integrationId: string, id: string): boolean {
    return this.inFlight.has(`${integrationId}/${id}`);
  }

  /** One DELETE through the budget. Never throws for an answer; a failing budget store throws before anything is sent. */
  async send(target: DeleteTarget, id: string, opts: SendOptions): Promise<PipelineStep> {
    const { budget, log } = this.deps;
    const who = `[${target.integrationName}]`;
    if (opts.signal?.aborted) {
      return { kind: 'notSent', reason: 'cancelled' };
    }
    const reservation = await budget.reserve(target.key);
    if (!reservation.granted) {
      log.info(`${who} No DELETE sent for session ${id}: no delete left in the budget before ${new Date(reservation.nextFreeAt).toISOString()}`);
      return { kind: 'notSent', reason: 'budget', nextFreeAt: reservation.nextFreeAt, ...(reservation.blockedUntil !== undefined ? { blockedUntil: reservation.blockedUntil } : {}) };
    }
    let outcome: Outcome<DeletedSession>;
    try {
      outcome = await target.client.deleteSession(id, opts.signal ? { signal: opts.signal } : {});
    } catch (error) {
      // The client never throws by contract; if it does, whether the request left is unknown, so the slot stays spent.
      const message = error instanceof Error ? error.message : String(error);
      outcome = { kind: 'network', message };
    }
    if (neverLeft(outcome)) {
      await budget.giveBack(target.key, reservation.spend.id);
      const message = 'message' in outcome ? outcome.message : 'cancelled before sending';
      log.warn(`${who} DELETE of session ${id} was not sent (${message}); no delete spent`);
      return outcome.kind === 'cancelled' ? { kind: 'notSent', reason: 'cancelled' } : { kind: 'notSent', reason: 'couldNotSend', message };
    }
    const result = classifyDeleteOutcome(outcome, id);
    if (result.kind === 'rateLimited') {
      await budget.rateLimited(target.key, result.retryAfterMs);
    } else {
      await budget.answered(target.key);
    }
    if (!(result.kind === 'rateLimited' && opts.via === 'queue')) {
      recordDeleteResult(this.deps.sessions as SessionStore, target.integrationId, id, result, this.deps.describe, this.deps.clock.now());
    }
    this.logResult(who, id, result, opts);
    this.deps.onAnswer?.(target, id, result);
    return { kind: 'sent', result };
  }

  private logResult(who: string, id: string, result: DeleteResult, opts: SendOptions): void {
    const { log } = this.deps;
    const via = opts.via === 'queue' ? ' (delete queue)' : opts.tracked === false ? ' (not tracked)' : '';
    switch (result.kind) {
      case 'deleted':
        log.info(`${who} Recently deleted: session ${id}${via}`);
        return;
      case 'alreadyGone':
        log.info(`${who} Session ${id} was already gone (404): no longer tracked${via}`);
        return;
      case 'refused':
        log.warn(`${who} Veriff refused to delete session ${id} (code ${result.code}): status now ${result.status}${via}`);
        return;
      case 'rateLimited':
        log.warn(`${who} 429 for the DELETE of session ${id}${result.retryAfterMs !== undefined ? `, retry after ${Math.ceil(result.retryAfterMs / 1000)} s` : ''}${via}`);
        return;
      case 'unverified':
        log.warn(`${who} DELETE of session ${id}: ${this.deps.describe(result.outcome)}${via}`);
        return;
      case 'credentials':
      case 'failed':
        log.warn(`${who} Delete of session ${id} failed (${result.kind}); it stays tracked${via}`);
        return;
    }
  }
}

/** The budget of one window held in a BudgetLedger (synchronous reserve: atomic within the process). */
export function ledgerBudget(ledger: {
  reserve(key: string): Reservation;
  giveBack(key: string, spendId: string): boolean;
  recordRateLimited(key: string, retryAfterMs?: number): number;
  recordAnswered(key: string): void;
}): DeleteBudget {
  return {
    reserve: (key) => ledger.reserve(key),
    giveBack: (key, spendId) => {
      ledger.giveBack(key, spendId);
    },
    rateLimited: (key, retryAfterMs) => {
      ledger.recordRateLimited(key, retryAfterMs);
    },
    answered: (key) => ledger.recordAnswered(key),
  };
}
