const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * Short age for the tree and the status bar: 'just now' under a minute (and for a time slightly
 * in the future, clock skew between windows), then whole minutes '5m', hours '3h', days '2d'
 * (rounded down). Not localised: callers wrap it in their own l10n text.
 */
export function relativeAge(fromMs: number, nowMs: number): string {
  const age = nowMs - fromMs;
  if (!Number.isFinite(age)) {
    return '?';
  }
  if (age < MINUTE) {
    return 'just now';
  }
  if (age < HOUR) {
    return `${Math.floor(age / MINUTE)}m`;
  }
  if (age < DAY) {
    return `${Math.floor(age / HOUR)}h`;
  }
  return `${Math.floor(age / DAY)}d`;
}
