import * as vscode from 'vscode';
import { guard } from '../../failures';
import type { Services } from '../../services';
import { byIntegration, resolveSessionArgs, type SessionRef } from '../../sessionArgs';
import { sessionPickItem } from '../../sessionLook';

/**
 * "Veriff: Stop Tracking": forgets the clicked row(s), the selection, a group or given ids, or
 * (bare) what a quick pick returns. Nothing is sent to Veriff: the sessions stay there.
 * Returns the ids no longer tracked.
 */
export async function untrackSession(services: Services, arg?: unknown, selected?: unknown): Promise<string[] | undefined> {
  return guard(services, vscode.l10n.t('Stopping tracking'), async () => {
    const store = services.sessions.store;
    const args = resolveSessionArgs(services, arg, selected);
    let refs: SessionRef[] = args.refs;
    if (!args.given) {
      const picked = await pick(services);
      if (!picked) {
        return undefined;
      }
      refs = picked;
    }
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
        ? vscode.l10n.t('$(eye-closed) Stopped tracking session {0}. It was not deleted at Veriff.', removed[0].slice(0, 8))
        : vscode.l10n.t('$(eye-closed) Stopped tracking {0} sessions. They were not deleted at Veriff.', removed.length),
    );
    return removed;
  });
}

async function pick(services: Services): Promise<SessionRef[] | undefined> {
  const active = services.credentials.active();
  const sessions = active ? services.sessions.store.list(active.id).reverse() : [];
  if (!active || sessions.length === 0) {
    void services.ui.showInformationMessage(vscode.l10n.t('No tracked sessions.'));
    return undefined;
  }
  const now = services.clock.now();
  const picked = await services.ui.showQuickPick(
    sessions.map((s) => sessionPickItem(s, now)),
    {
      title: vscode.l10n.t('Veriff: Stop Tracking ({0})', active.name),
      placeHolder: vscode.l10n.t('Sessions to forget (they are not deleted at Veriff)'),
      canPickMany: true,
      matchOnDescription: true,
      matchOnDetail: true,
    },
  );
  return picked && picked.length > 0 ? picked.map((p) => p.ref) : undefined;
}
