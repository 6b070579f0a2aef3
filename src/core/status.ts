/** Veriff session statuses (see shared/veriff-api.md) plus the extension's own "unknown" and "gone". */
export const VERIFF_STATUSES = [
  'created',
  'started',
  'submitted',
  'review',
  'approved',
  'declined',
  'resubmission_requested',
  'expired',
  'abandoned',
] as const;

export type VeriffStatus = (typeof VERIFF_STATUSES)[number];

/** `unknown`: never fetched (or unreadable); `gone`: Veriff answered 404, deleted or never existed. */
export type SessionStatus = VeriffStatus | 'unknown' | 'gone';

const NOT_DELETABLE: ReadonlySet<SessionStatus> = new Set<SessionStatus>(['submitted', 'review']);

export function isVeriffStatus(value: unknown): value is VeriffStatus {
  return typeof value === 'string' && (VERIFF_STATUSES as readonly string[]).includes(value);
}

/** Whether Veriff accepts a DELETE in this status. `unknown` is not known to be hopeless. */
export function isDeletableStatus(status: SessionStatus): boolean {
  return status !== 'gone' && !NOT_DELETABLE.has(status);
}
