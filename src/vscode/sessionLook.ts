import * as vscode from 'vscode';
import { ageText as relativeAge } from '../core/relativeTime';
import { isDeletableStatus, type SessionStatus } from '../core/status';

/** How a session and its status look: icons and text, shared by the view and the commands. */

const STATUS_ICONS: Record<SessionStatus, vscode.ThemeIcon> = {
  approved: new vscode.ThemeIcon('pass', new vscode.ThemeColor('charts.green')),
  declined: new vscode.ThemeIcon('error', new vscode.ThemeColor('charts.red')),
  submitted: new vscode.ThemeIcon('clock', new vscode.ThemeColor('charts.yellow')),
  review: new vscode.ThemeIcon('clock', new vscode.ThemeColor('charts.yellow')),
  created: new vscode.ThemeIcon('circle-outline'),
  started: new vscode.ThemeIcon('circle-outline', new vscode.ThemeColor('charts.blue')),
  expired: new vscode.ThemeIcon('history', new vscode.ThemeColor('disabledForeground')),
  abandoned: new vscode.ThemeIcon('history', new vscode.ThemeColor('disabledForeground')),
  resubmission_requested: new vscode.ThemeIcon('warning', new vscode.ThemeColor('charts.orange')),
  gone: new vscode.ThemeIcon('trash', new vscode.ThemeColor('disabledForeground')),
  unknown: new vscode.ThemeIcon('question'),
};
/** A run group's icon. */
export const RUN_ICON = new vscode.ThemeIcon('layers');

export function statusIcon(status: SessionStatus): vscode.ThemeIcon {
  return STATUS_ICONS[status] ?? STATUS_ICONS.unknown;
}

/** The codicon name, for quick-pick labels and tooltips (`$(name)`). */
export function statusCodicon(status: SessionStatus): string {
  return statusIcon(status).id;
}

export function statusText(status: SessionStatus): string {
  switch (status) {
    case 'created':
      return vscode.l10n.t('created');
    case 'started':
      return vscode.l10n.t('started');
    case 'submitted':
      return vscode.l10n.t('submitted');
    case 'review':
      return vscode.l10n.t('in review');
    case 'approved':
      return vscode.l10n.t('approved');
    case 'declined':
      return vscode.l10n.t('declined');
    case 'resubmission_requested':
      return vscode.l10n.t('resubmission requested');
    case 'expired':
      return vscode.l10n.t('expired');
    case 'abandoned':
      return vscode.l10n.t('abandoned');
    case 'gone':
      return vscode.l10n.t('gone');
    default:
      return vscode.l10n.t('status unknown');
  }
}

/** "5 min. ago" / "vor 5 Min." in the display language. */
export function ageText(fromMs: number, nowMs: number): string {
  return relativeAge(fromMs, nowMs, vscode.env.language);
}

/** `session.deletable` (as far as known), `session.notDeletable` (Veriff is processing it) or `session.gone`. */
export function sessionContextValue(status: SessionStatus): string {
  return status === 'gone' ? 'session.gone' : isDeletableStatus(status) ? 'session.deletable' : 'session.notDeletable';
}

/** The first 8 characters of a session id, as the tree's rows and the messages show it. */
export function idPrefix(id: string): string {
  return id.slice(0, 8);
}
