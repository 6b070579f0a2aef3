import { type DeleteResult, failureCode } from './deletePlan';
import type { DeleteAttemptResult } from './deleteAttempt';
import type { SessionStore } from './store/sessionStore';

/** The failure carried by every DELETE result but `deleted`. */
export type DeleteFailure = Exclude<DeleteResult, { kind: 'deleted' }>['outcome'];

/**
 * What a DELETE's answer does to the tracked session, the same for "Delete Session" and the
 * tidy-up queue: deleted, or gone (404), and it is no longer tracked; refused (1305 / 1306), and
 * it takes the status the refusal implies with the refusal on its row; anything else, and it
 * stays tracked with the error on its row. `describe` gives the user-facing text of a failure.
 */
export function recordDeleteResult(
  store: SessionStore,
  integrationId: string,
  id: string,
  result: DeleteResult,
  describe: (failure: DeleteFailure) => string,
  now: number,
): void {
  switch (result.kind) {
    case 'deleted':
    case 'alreadyGone':
      store.remove(integrationId, [id]);
      return;
    case 'refused':
      store.updateStatus(integrationId, id, result.status, now);
      store.setError(integrationId, id, { message: describe(result.outcome), code: result.code }, now);
      return;
    default:
      store.setError(integrationId, id, { message: describe(result.outcome), code: failureCode(result.outcome) }, now);
  }
}

/**
 * What a DELETE's answer means for the tidy-up queue: whether the session is done with, and
 * whether another try (a later DELETE) could help. `reason` is the failure's user-facing text.
 */
export function queueAttemptResult(result: DeleteResult, reason: string): DeleteAttemptResult {
  switch (result.kind) {
    case 'deleted':
      return { kind: 'deleted' };
    case 'alreadyGone':
      return { kind: 'gone' };
    case 'refused':
      return { kind: 'notDeletable', reason };
    case 'rateLimited':
      return result.retryAfterMs !== undefined ? { kind: 'rateLimited', retryAfterMs: result.retryAfterMs } : { kind: 'rateLimited' };
    case 'credentials':
    case 'unverified':
      // A wrong shared secret or a proxy rewriting answers: another DELETE would meet the same fate.
      return { kind: 'failed', retryable: false, reason };
    case 'failed': {
      const failure = result.outcome;
      // A 4xx other than the ones classified above is about this session (a bad id, say): retrying cannot help it.
      if ((failure.kind === 'veriffError' && failure.http >= 400 && failure.http < 500) || failure.kind === 'invalidInput') {
        return { kind: 'notDeletable', reason };
      }
      return { kind: 'failed', retryable: true, reason };
    }
  }
}
