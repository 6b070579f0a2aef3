import * as vscode from 'vscode';
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

/** Escapes what markdown would interpret in plain text (theme icons are not written through it). */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]<>#|~$]/g, (c) => `\\${c}`);
}
