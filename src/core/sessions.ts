import { SessionStatus, VERIFF_STATUSES } from './status';

export const SESSION_SOURCES = [
  'typed',
  'selection',
  'clipboard',
  'file',
  'trackingFile',
  'created',
  'terminal',
  'api',
] as const;

/** Where a tracked session came from. */
export type SessionSource = (typeof SESSION_SOURCES)[number];

export interface SessionError {
  message: string;
  code?: string | number;
  at: number;
}

/** A session the extension remembers. Records are immutable: every change makes a new one. */
export interface TrackedSession {
  /** Normalised (lowercase) UUID. */
  readonly id: string;
  readonly integrationId: string;
  /** The run or batch it came with. */
  readonly label: string;
  readonly source: SessionSource;
  readonly addedAt: number;
  readonly status: SessionStatus;
  readonly statusFetchedAt?: number;
  readonly lastError?: Readonly<SessionError>;
  readonly vendorData?: string;
}

/** An id with its own label or vendorData (a tracking-file line), overriding the add options. */
export interface SessionToTrack {
  id: string;
  label?: string;
  vendorData?: string;
}

export interface AddOptions {
  source: SessionSource;
  /** Run/batch label; blank or absent gives `defaultLabel(now)`. */
  label?: string;
  vendorData?: string;
}

export interface AddResult {
  /** Newly tracked ids, normalised, in input order. */
  added: string[];
  /** Ids that were tracked before this call: merged, their addedAt/label/source kept. */
  alreadyTracked: string[];
  /** Inputs that are not UUIDs (nothing tracked for them). */
  invalid: string[];
}

export interface StatusUpdate {
  id: string;
  status: SessionStatus;
  fetchedAt?: number;
}

/**
 * What changed. `replaced` comes only from `replaceFrom` (another window's state): a listener that
 * persists the store should not write that back, or two windows would echo each other.
 */
export type SessionStoreChange =
  | { kind: 'added' | 'removed' | 'updated'; integrationId: string; ids: readonly string[] }
  | { kind: 'replaced'; integrationIds: readonly string[] };

export interface LabelGroup {
  label: string;
  /** addedAt of the group's newest session: groups are ordered by it, newest first. */
  newestAddedAt: number;
  /** Oldest first. */
  sessions: TrackedSession[];
}

export interface StatusGroup {
  status: SessionStatus;
  /** Oldest first. */
  sessions: TrackedSession[];
}

/** Order of the status groups: in-flight first, then outcomes, then what the extension doesn't know. */
export const STATUS_GROUP_ORDER: readonly SessionStatus[] = [...VERIFF_STATUSES, 'unknown', 'gone'];

const MINUTE = 60_000;

/**
 * The label of sessions added without one: `Tracked 2026-01-31`, the ISO date (locale-neutral) in
 * the local time zone unless an offset (minutes, as `Date#getTimezoneOffset`) is given.
 */
export function defaultLabel(nowMs: number, timezoneOffsetMinutes = new Date(nowMs).getTimezoneOffset()): string {
  const local = new Date(nowMs - timezoneOffsetMinutes * MINUTE);
  return `Tracked ${Number.isNaN(local.getTime()) ? 'unknown date' : local.toISOString().slice(0, 10)}`;
}

/** A label as stored: trimmed; blank or absent gives undefined (the caller picks a default). */
export function cleanLabel(label: string | undefined): string | undefined {
  const trimmed = typeof label === 'string' ? label.trim() : '';
  return trimmed === '' ? undefined : trimmed;
}

export function freezeSession(session: TrackedSession): TrackedSession {
  return Object.freeze(session);
}
