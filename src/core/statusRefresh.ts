import type { Clock } from './clock';
import type { SessionStatus } from './status';

const MINUTE = 60_000;

/** A status older than this is refreshed when the sessions view opens. */
export const AUTO_REFRESH_STALE_MS = 5 * MINUTE;
/** The view refreshes by itself at most this often. */
export const AUTO_REFRESH_MIN_INTERVAL_MS = MINUTE;
/** Status GETs in flight at once. */
export const STATUS_CONCURRENCY = 4;
/** An automatic refresh fetches at most this many statuses (the stalest first): never a request storm. */
export const AUTO_REFRESH_MAX_SESSIONS = 40;

export interface StatusInfo {
  readonly status: SessionStatus;
  readonly statusFetchedAt?: number;
}

/** Whether the status was never fetched, is `unknown`, or was fetched more than `maxAgeMs` ago. */
export function isStatusStale(session: StatusInfo, now: number, maxAgeMs: number): boolean {
  if (session.status === 'unknown' || session.statusFetchedAt === undefined) {
    return true;
  }
  // A fetch time in the future (another window's clock) counts as fresh.
  return now - session.statusFetchedAt > maxAgeMs;
}

/**
 * The sessions an automatic refresh fetches: stale ones except `gone` (a 404 is final), never
 * fetched first, then the longest ago fetched, at most `max`.
 */
export function selectForAutoRefresh<T extends StatusInfo>(
  sessions: readonly T[],
  now: number,
  options: { staleMs?: number; max?: number } = {},
): T[] {
  const staleMs = options.staleMs ?? AUTO_REFRESH_STALE_MS;
  const max = options.max ?? AUTO_REFRESH_MAX_SESSIONS;
  return sessions
    .filter((s) => s.status !== 'gone' && isStatusStale(s, now, staleMs))
    .map((s, index) => ({ s, index }))
    .sort((a, b) => (a.s.statusFetchedAt ?? -Infinity) - (b.s.statusFetchedAt ?? -Infinity) || a.index - b.index)
    .slice(0, Math.max(0, max))
    .map(({ s }) => s);
}

/**
 * Whether an automatic refresh may start now: not while one runs, and at most once per
 * `minIntervalMs` counted from the start of the previous one. The caller debounces the trigger.
 */
export class AutoRefreshThrottle {
  private lastStartedAt: number | undefined;
  private running = false;

  constructor(
    private readonly clock: Clock,
    private readonly minIntervalMs = AUTO_REFRESH_MIN_INTERVAL_MS,
  ) {}

  /** Claims the slot when allowed; call `finished()` when the refresh ends. */
  tryStart(): boolean {
    const now = this.clock.now();
    // A clock that went backwards (set by hand) does not block refreshes until it catches up.
    if (this.running || (this.lastStartedAt !== undefined && now >= this.lastStartedAt && now - this.lastStartedAt < this.minIntervalMs)) {
      return false;
    }
    this.running = true;
    this.lastStartedAt = now;
    return true;
  }

  finished(): void {
    this.running = false;
  }

  /** When the next automatic refresh may start (epoch ms); now when it may start at once. */
  nextAllowedAt(): number {
    const now = this.clock.now();
    return this.lastStartedAt === undefined ? now : Math.max(now, this.lastStartedAt + this.minIntervalMs);
  }
}
