import * as vscode from 'vscode';
import type { BudgetRemaining } from '../../core/budget';
import * as core from '../../core/relativeTime';

/** The display language for times and durations (Intl formats them; see core/relativeTime). */
export function displayLocale(): string {
  return vscode.env.language;
}

/** "in 42 minutes" / "now" (rounded up, never early). */
export function inText(at: number, now: number): string {
  return core.inText(at, now, displayLocale());
}

/** The wall-clock time of `at`: "14:05", with the date when it is not today (local time). */
export function clockText(at: number, now: number): string {
  return core.clockText(at, now, displayLocale());
}

/** "in 42 minutes (at 14:05)" / "now". */
export function whenText(at: number, now: number): string {
  return at <= now ? inText(at, now) : vscode.l10n.t('{0} (at {1})', inText(at, now), clockText(at, now));
}

/** A rough ETA for summaries: "about 2 days", "about 3 hours", "about 20 minutes". */
export function aboutText(at: number, now: number): string {
  return at <= now ? inText(at, now) : vscode.l10n.t('about {0}', core.roughDuration(at - now, displayLocale()));
}

/** Short ETA for tree rows: "2h", "15m", "1d". */
export function shortEta(at: number, now: number): string {
  return at <= now ? vscode.l10n.t('next') : core.shortDuration(at - now, displayLocale());
}

const one = (n: number): boolean => core.pluralCategory(n, displayLocale()) === 'one';

/** What a spend of `n` costs, for confirmations: "This uses 3 of the 4 deletes left this hour (9 left today)." */
export function costText(r: BudgetRemaining, n: number): string {
  if (r.day < r.hour) {
    return one(n)
      ? vscode.l10n.t('This uses 1 of the {0} deletes left today ({1} left this hour).', r.day, r.hour)
      : vscode.l10n.t('This uses {0} of the {1} deletes left today ({2} left this hour).', n, r.day, r.hour);
  }
  return one(n)
    ? vscode.l10n.t('This uses 1 of the {0} deletes left this hour ({1} left today).', r.hour, r.day)
    : vscode.l10n.t('This uses {0} of the {1} deletes left this hour ({2} left today).', n, r.hour, r.day);
}

/** Why the next delete has to wait: "The next delete frees in 42 minutes (at 14:05)." */
export function blockedText(nextAt: number, now: number, blockedUntil?: number): string {
  if (blockedUntil !== undefined && blockedUntil >= nextAt) {
    return vscode.l10n.t('Veriff answered 429 (too many requests): the next delete may go {0}.', whenText(nextAt, now));
  }
  return vscode.l10n.t('The next delete frees {0}.', whenText(nextAt, now));
}
