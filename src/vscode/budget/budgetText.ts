import * as vscode from 'vscode';
import type { BudgetRemaining } from '../../core/budget';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** A wait, rounded up so that "in 1 min" is never early: "1 min", "60 min", "2 h 5 min", "1 day 3 h". */
export function durationText(ms: number): string {
  const minutes = Math.max(1, Math.ceil(ms / MINUTE));
  if (minutes <= 60) {
    return vscode.l10n.t('{0} min', minutes);
  }
  if (ms < DAY) {
    const h = Math.floor(minutes / 60);
    const m = minutes % 60;
    return m === 0 ? vscode.l10n.t('{0} h', h) : vscode.l10n.t('{0} h {1} min', h, m);
  }
  const days = Math.floor(ms / DAY);
  const h = Math.round((ms - days * DAY) / HOUR);
  if (h === 0) {
    return days === 1 ? vscode.l10n.t('1 day') : vscode.l10n.t('{0} days', days);
  }
  return days === 1 ? vscode.l10n.t('1 day {0} h', h) : vscode.l10n.t('{0} days {1} h', days, h);
}

/** "in 42 min" / "now". */
export function inText(at: number, now: number): string {
  return at <= now ? vscode.l10n.t('now') : vscode.l10n.t('in {0}', durationText(at - now));
}

/** The wall-clock time of `at`: "14:05", with the date when it is not today (local time). */
export function clockText(at: number, now: number): string {
  const when = new Date(at);
  const time = when.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
  return new Date(now).toDateString() === when.toDateString() ? time : `${when.toLocaleDateString(undefined, { month: 'short', day: 'numeric' })} ${time}`;
}

/** "in 42 min (at 14:05)" / "now". */
export function whenText(at: number, now: number): string {
  return at <= now ? vscode.l10n.t('now') : vscode.l10n.t('{0} (at {1})', inText(at, now), clockText(at, now));
}

/** A rough ETA for summaries: "about 2 days", "about 3 h", "about 20 min". */
export function aboutText(at: number, now: number): string {
  return at <= now ? vscode.l10n.t('now') : vscode.l10n.t('about {0}', roughDuration(at - now));
}

function roughDuration(ms: number): string {
  if (ms < HOUR) {
    return vscode.l10n.t('{0} min', Math.max(1, Math.ceil(ms / MINUTE)));
  }
  if (ms < DAY) {
    const h = Math.round(ms / HOUR);
    return h === 1 ? vscode.l10n.t('1 hour') : vscode.l10n.t('{0} hours', h);
  }
  const d = Math.round(ms / DAY);
  return d === 1 ? vscode.l10n.t('1 day') : vscode.l10n.t('{0} days', d);
}

/** Short ETA for tree rows: "2h", "15m", "1d". */
export function shortEta(at: number, now: number): string {
  const ms = at - now;
  if (ms <= 0) {
    return vscode.l10n.t('next');
  }
  if (ms < HOUR) {
    return `${Math.max(1, Math.ceil(ms / MINUTE))}m`;
  }
  if (ms < DAY) {
    return `${Math.ceil(ms / HOUR)}h`;
  }
  return `${Math.round(ms / DAY)}d`;
}

/** What a spend of `n` costs, for confirmations: "This uses 3 of the 4 deletes left this hour (9 left today)." */
export function costText(r: BudgetRemaining, n: number): string {
  if (r.day < r.hour) {
    return n === 1
      ? vscode.l10n.t('This uses 1 of the {0} deletes left today ({1} left this hour).', r.day, r.hour)
      : vscode.l10n.t('This uses {0} of the {1} deletes left today ({2} left this hour).', n, r.day, r.hour);
  }
  return n === 1
    ? vscode.l10n.t('This uses 1 of the {0} deletes left this hour ({1} left today).', r.hour, r.day)
    : vscode.l10n.t('This uses {0} of the {1} deletes left this hour ({2} left today).', n, r.hour, r.day);
}

/** Why the next delete has to wait: "The next delete frees in 42 min (at 14:05)." */
export function blockedText(nextAt: number, now: number, blockedUntil?: number): string {
  if (blockedUntil !== undefined && blockedUntil >= nextAt) {
    return vscode.l10n.t('Veriff answered 429 (too many requests): the next delete may go {0}.', whenText(nextAt, now));
  }
  return vscode.l10n.t('The next delete frees {0}.', whenText(nextAt, now));
}
