import type { DeleteFailure } from '../../core/deleteOutcome';
import type { DeleteCandidate, DeleteResult, NotSentReason } from '../../core/deletePlan';
import type { SessionStatus } from '../../core/status';

/** What one "Delete Session" did, per session id. */
export interface DeleteSummary {
  deleted: string[];
  /** 404: already gone; no longer tracked. */
  alreadyGone: string[];
  /** 1305 / 1306: Veriff refused; the status was updated. */
  refused: string[];
  /** Sent and failed (401/403, 429, network, timeout, 5xx, malformed): kept, error on the row. */
  failed: string[];
  /** Not sent, and why. */
  notSent: Array<{ id: string; reason: NotSentReason }>;
  /** Ignored: another "Delete Session" is busy with them (double click). */
  ignored: string[];
  /** The user declined the confirmation (nothing was sent). */
  declined: boolean;
}

/** A session on its way through "Delete Session": what is known of it. */
export interface SessionToDelete extends DeleteCandidate {
  status: SessionStatus;
  statusFetchedAt?: number;
  tracked: boolean;
  /** The status GET's failure, when the check failed. */
  checkFailure?: DeleteFailure;
}

export interface SentResult {
  id: string;
  result: DeleteResult;
}

export function emptySummary(): DeleteSummary {
  return { deleted: [], alreadyGone: [], refused: [], failed: [], notSent: [], ignored: [], declined: false };
}

/** Counts one sent DELETE's result in the summary. */
export function tally(summary: DeleteSummary, id: string, result: DeleteResult): void {
  switch (result.kind) {
    case 'deleted':
      summary.deleted.push(id);
      return;
    case 'alreadyGone':
      summary.alreadyGone.push(id);
      return;
    case 'refused':
      summary.refused.push(id);
      return;
    default:
      summary.failed.push(id);
  }
}
