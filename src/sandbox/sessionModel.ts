// The sandbox's data: integrations, sessions and their attempts, and how a status change moves a
// session's attempts and decision time.
import { randomUUID } from 'node:crypto';
import type { VeriffStatus } from '../core/status';

/** A sandbox integration: the pair of credentials a client signs with. */
export interface SandboxIntegration {
  apiKey: string;
  sharedSecret: string;
  /** Veriff enables DELETE per integration on request; the sandbox enables it unless told otherwise. */
  deleteEnabled: boolean;
}

/** One verification attempt. The latest attempt always carries the session's current status. */
export interface SandboxAttempt {
  id: string;
  status: VeriffStatus;
  createdAt: number;
}

export interface SandboxSession {
  id: string;
  /** The API key of the integration that owns the session. */
  apiKey: string;
  status: VeriffStatus;
  /** The end user is in the verification flow right now: DELETE answers 400 code 1306. */
  inFlow: boolean;
  vendorData: string | null;
  endUserId: string | null;
  sessionToken: string;
  createdAt: number;
  /** When the session reached a decision status (approved, declined, ...), else null. */
  decidedAt: number | null;
  attempts: SandboxAttempt[];
}

export interface SessionSeed {
  id?: string;
  status?: VeriffStatus;
  vendorData?: string | null;
  endUserId?: string | null;
  inFlow?: boolean;
}

/** Result of asking the limiter for a DELETE slot. `retryAt` is when the next slot frees (epoch ms). */
export type DeleteSlotResult = { ok: true } | { ok: false; retryAt: number };

/** How much of an integration's DELETE budget the rolling windows hold right now. */
export interface SandboxBudgetUsage {
  usedLastHour: number;
  usedLastDay: number;
  /** Epoch ms when a DELETE is next allowed; equals now when one is allowed already. */
  nextSlotAt: number;
}

/** Decision statuses: the ones `GET /decision` reports and that set `decidedAt`. */
export const DECISION_STATUSES: ReadonlySet<VeriffStatus> = new Set<VeriffStatus>([
  'approved',
  'declined',
  'resubmission_requested',
  'expired',
  'abandoned',
]);

/** Statuses reached without the end user opening the flow, so without an attempt. */
const NO_ATTEMPT_STATUSES: ReadonlySet<VeriffStatus> = new Set<VeriffStatus>(['created', 'expired']);

/** Moves a session to a status in place, keeping its attempts and decision time consistent. */
export function applyStatus(session: SandboxSession, status: VeriffStatus, now: number): void {
  const previous = session.status;
  session.status = status;
  session.decidedAt = DECISION_STATUSES.has(status) ? (previous === status && session.decidedAt !== null ? session.decidedAt : now) : null;
  if (NO_ATTEMPT_STATUSES.has(status) && session.attempts.length === 0) {
    return;
  }
  const last = session.attempts[session.attempts.length - 1];
  // A resubmission request closes the attempt; the end user's next step opens a new one.
  const opensAttempt = !last || (last.status === 'resubmission_requested' && status !== 'resubmission_requested');
  if (opensAttempt) {
    session.attempts.push({ id: randomUUID(), status, createdAt: now });
  } else {
    last.status = status;
  }
}

export function cloneSession(session: SandboxSession): SandboxSession {
  return { ...session, attempts: session.attempts.map((a) => ({ ...a })) };
}
