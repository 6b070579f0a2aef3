/** What the queue runner asks of the delete pipeline: one DELETE, and (after a reload) whether a session still exists. */

export type DeleteAttemptResult =
  | { kind: 'deleted' }
  | { kind: 'gone' }
  | { kind: 'notDeletable'; reason: string }
  | { kind: 'rateLimited'; retryAfterMs?: number }
  | { kind: 'failed'; retryable: boolean; reason: string }
  /** Nothing was sent: no slot was free at the moment of sending (another window or command took it). */
  | { kind: 'noBudget' }
  /** Nothing was sent: the request could not leave (no credentials, a client that cannot be built); no delete spent. */
  | { kind: 'notSent'; reason: string }
  /** Nothing was sent: the session is being deleted elsewhere in this window. */
  | { kind: 'busy' };

/** Sends one signed DELETE for the session in the given integration, through the budget. */
export type Deleter = (id: string, integrationKey: string) => Promise<DeleteAttemptResult>;

/**
 * Asks Veriff (without spending delete budget, e.g. GET …/decision) whether a session still exists.
 * Used before re-sending a DELETE whose answer was lost (a reload while it was in flight).
 */
export type SessionProbe = (id: string, integrationKey: string) => Promise<'gone' | 'exists' | 'unknown'>;
