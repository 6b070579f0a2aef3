import * as vscode from 'vscode';
import type { Services } from '../../services';
import { byIntegration, resolveSessionArgs } from '../../sessionArgs';
import { sessionsOrPick, type SessionPicker } from '../../sessionChoice';
import { idPrefix } from '../../sessionLook';

/**
 * "Veriff: Stop Tracking": forgets the clicked row(s), the selection, a group or given ids, or
 * (bare) what a quick pick returns. Nothing is sent to Veriff: the sessions stay there.
 * Returns the ids no longer tracked.
 */
export async function untrackSession(services: Services, arg?: unknown, selected?: unknown): Promise<string[] | undefined> {
  const store = services.sessions.store;
  const refs = await sessionsOrPick(services, resolveSessionArgs(services, arg, selected), () => picker(services));
  const removed: string[] = [];
  for (const [integrationId, ids] of byIntegration(refs)) {
    removed.push(...store.remove(integrationId, ids));
  }
  if (removed.length === 0) {
    void services.ui.showInformationMessage(vscode.l10n.t('None of these sessions is tracked.'));
    return removed;
  }
  services.log.info(`Stopped tracking ${removed.length} session(s): ${removed.join(', ')} (nothing sent to Veriff)`);
  services.ui.showStatusMessage(
    removed.length === 1
      ? vscode.l10n.t('$(eye-closed) Stopped tracking session {0}. It was not deleted at Veriff.', idPrefix(removed[0]))
      : vscode.l10n.t('$(eye-closed) Stopped tracking {0} sessions. They were not deleted at Veriff.', removed.length),
  );
  return removed;
}

function picker(services: Services): SessionPicker | undefined {
  const active = services.credentials.active();
  const nothingTracked = vscode.l10n.t('No tracked sessions.');
  if (!active) {
    void services.ui.showInformationMessage(nothingTracked);
    return undefined;
  }
  return {
    integrationId: active.id,
    title: vscode.l10n.t('Veriff: Stop Tracking ({0})', active.name),
    placeHolder: vscode.l10n.t('Sessions to forget (they are not deleted at Veriff)'),
    nothingTracked,
  };
}
