import * as vscode from 'vscode';
import { dateTimeText } from '../core/relativeTime';
import type { TrackedSession } from '../core/sessions';
import { ageText, statusCodicon, statusText } from './sessionLook';

// A row's details, shown when the user hovers it (resolveTreeItem): loaded then, with dist/veriff.js
// (which the view's status refresh usually has loaded already), not at activation.

/** A session row's tooltip (resolved when the user hovers it). */
export function sessionTooltip(session: TrackedSession, integrationName: string, now: number): vscode.MarkdownString {
  const md = new vscode.MarkdownString(undefined, true);
  const line = (key: string, value: string): void => {
    md.appendMarkdown(`**${key}:** `);
    md.appendText(value);
    md.appendMarkdown('  \n');
  };
  md.appendMarkdown(`$(${statusCodicon(session.status)}) \`${session.id}\`\n\n`);
  line(vscode.l10n.t('Status'), statusText(session.status));
  line(
    vscode.l10n.t('Status fetched'),
    session.statusFetchedAt === undefined ? vscode.l10n.t('never') : `${dateTimeText(session.statusFetchedAt, vscode.env.language)} (${ageText(session.statusFetchedAt, now)})`,
  );
  line(vscode.l10n.t('Integration'), integrationName);
  line(vscode.l10n.t('Run'), session.label);
  line(vscode.l10n.t('Source'), session.source);
  line(vscode.l10n.t('Added'), `${dateTimeText(session.addedAt, vscode.env.language)} (${ageText(session.addedAt, now)})`);
  if (session.vendorData !== undefined) {
    line(vscode.l10n.t('Vendor data'), session.vendorData);
  }
  if (session.lastError) {
    const code = session.lastError.code !== undefined ? ` (${vscode.l10n.t('code {0}', String(session.lastError.code))})` : '';
    line(vscode.l10n.t('Last error'), `${session.lastError.message}${code}, ${ageText(session.lastError.at, now)}`);
  }
  return md;
}
