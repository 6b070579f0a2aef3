import * as vscode from 'vscode';
import type { TrackedSession } from '../core/sessions';
import type { GroupNode } from './sessionArgs';
import { ageText, idPrefix, RUN_ICON, sessionContextValue, statusIcon, statusText } from './sessionLook';

/** The tree item of a run or status group. */
export function groupTreeItem(group: GroupNode, expanded: boolean): vscode.TreeItem {
  const total = group.sessions.length;
  const label = group.by === 'status' ? statusText(group.status ?? 'unknown') : group.key;
  const item = new vscode.TreeItem(label, expanded ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed);
  item.id = `group/${group.integrationId}/${group.by}/${group.key}`;
  // Only what changes with the group's members: a group re-renders all its rows (and for a moment
  // its rows are unknown to a menu command), so a status change must not touch it.
  const count = total === 1 ? vscode.l10n.t('1 session') : vscode.l10n.t('{0} sessions', total);
  item.description = count;
  item.iconPath = group.by === 'status' ? statusIcon(group.status ?? 'unknown') : RUN_ICON;
  item.contextValue = group.by === 'run' ? 'run' : 'statusGroup';
  item.tooltip = group.by === 'run' ? vscode.l10n.t('Run "{0}": {1}', group.key, count) : undefined;
  return item;
}

/** The tree item of a session row; `queued` is its place in the delete queue, if it waits there. */
export function sessionTreeItem(session: TrackedSession, now: number, queued: string | undefined): vscode.TreeItem {
  const age = ageText(session.addedAt, now);
  const item = new vscode.TreeItem(idPrefix(session.id), vscode.TreeItemCollapsibleState.None);
  item.id = `session/${session.integrationId}/${session.id}`;
  const error = session.lastError ? ` · ⚠ ${session.lastError.code ?? vscode.l10n.t('error')}` : '';
  item.description = `${statusText(session.status)} · ${age}${queued ? ` · ${queued}` : ''}${error}`;
  item.iconPath = statusIcon(session.status);
  item.contextValue = sessionContextValue(session.status);
  item.accessibilityInformation = {
    label: vscode.l10n.t('Session {0}, {1}, added {2}', session.id, statusText(session.status), age),
  };
  return item;
}

/**
 * Everything a row shows, its tooltip included: the record's fields, its age and its place in the
 * delete queue. A row is re-rendered exactly when this changes.
 */
export function rowSignature(session: TrackedSession, now: number, queued: string | undefined): string {
  const error = session.lastError;
  const errorText = error ? `${error.code ?? ''}|${error.at}|${error.message}` : '';
  return `${session.status}|${session.statusFetchedAt ?? ''}|${ageText(session.addedAt, now)}|${queued ?? ''}|${session.label}|${session.source}|${session.vendorData ?? ''}|${errorText}`;
}
