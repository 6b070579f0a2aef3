import * as vscode from 'vscode';
import type { BudgetProblem } from '../../core/budgetProblem';
import { escapeMarkdown } from './budgetText';

/** What the user must fix, in a sentence. */
export function problemText(problem: BudgetProblem, integrationName: string): string {
  switch (problem.kind) {
    case 'credentialsUnreadable':
      return vscode.l10n.t('The API key and shared secret of {0} cannot be read: set the API credentials again.', integrationName);
    case 'deleteNotEnabled':
      return vscode.l10n.t('Veriff has not enabled session deletion for {0} (403, code 1301): ask Veriff support to turn it on.', integrationName);
    case 'credentialsRefused':
      return vscode.l10n.t('Veriff refused the API credentials of {0} ({1}): check the API key and shared secret.', integrationName, problem.code !== undefined ? `${problem.http}, code ${problem.code}` : String(problem.http));
  }
}

/** The status-bar tooltip while the active integration's secrets cannot be read (see BudgetStatusBar). */
export function unreadableTooltip(integrationName: string): { markdown: vscode.MarkdownString; plain: string; problem: string } {
  const problem = problemText({ kind: 'credentialsUnreadable' }, integrationName);
  const title = vscode.l10n.t('Veriff delete budget');
  const click = vscode.l10n.t('Click to set the API credentials.');
  const markdown = new vscode.MarkdownString(undefined, true);
  markdown.appendMarkdown(`**${title}** — ${escapeMarkdown(integrationName)}\n\n$(error) ${escapeMarkdown(problem)}\n\n${click}`);
  return { markdown, plain: [`${title} — ${integrationName}`, problem, click].join('\n'), problem };
}
