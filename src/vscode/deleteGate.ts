import type { Integration } from './credentials';

/** Whose budget a delete is spent from. */
export interface DeleteGateTarget {
  readonly integration: Integration;
  /** apiKeyFingerprint(apiKey): the budget's key for the integration, never the key itself. */
  readonly key: string;
}

export interface DeleteAllowance {
  /** How many of the wanted deletes may be sent now (0…wanted). */
  available: number;
  /** Replaces the confirmation's default cost sentence, e.g. "This uses 3 of the 4 deletes left this hour." */
  costText?: string;
  /** Why fewer than wanted may go now, e.g. "The next delete frees at 14:05." */
  blockedText?: string;
}

/**
 * The seam between "Delete Session" and the delete budget: asked before spending, told about
 * every DELETE sent (each one counts at Veriff, whatever its answer) and about every 429.
 */
export interface DeleteGate {
  allow(target: DeleteGateTarget, wanted: number): DeleteAllowance | Promise<DeleteAllowance>;
  /** Called right before each DELETE is sent. */
  spent(target: DeleteGateTarget): void;
  /** Veriff answered 429; `retryAfterMs` when it said how long to wait. */
  rateLimited(target: DeleteGateTarget, retryAfterMs: number | undefined): void;
  /** Veriff answered a DELETE with anything but 429: the 429 backoff starts again from its base. */
  answered?(target: DeleteGateTarget): void;
}

/** No budget tracking: everything may be sent; Veriff's own 429 is the only limit. */
export const unlimitedDeleteGate: DeleteGate = {
  allow: (_target, wanted) => ({ available: wanted }),
  spent: () => undefined,
  rateLimited: () => undefined,
};
