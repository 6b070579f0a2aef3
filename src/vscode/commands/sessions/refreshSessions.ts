import * as vscode from 'vscode';
import { showFailure } from '../../failures';
import { showNoIntegration } from '../../noIntegration';
import { describeFailure } from '../../failureText';
import type { Services } from '../../services';
import { byIntegration, resolveSessionArgs } from '../../sessionArgs';
import { emptyRefreshSummary, mergeRefresh, refreshIntegration, type RefreshSummary } from '../../sessionStatuses';

/**
 * "Veriff: Refresh Session Statuses": the clicked row(s), the selection, a group, given ids, or
 * (bare) every session of the active integration.
 */
export async function refreshSessions(services: Services, arg?: unknown, selected?: unknown, signal?: AbortSignal): Promise<RefreshSummary | undefined> {
  const store = services.sessions.store;
  const args = resolveSessionArgs(services, arg, selected);
  let groups: Map<string, string[]>;
  if (args.given) {
    groups = byIntegration(args.refs.filter((r) => store.has(r.integrationId, r.id)));
  } else {
    const active = services.credentials.active();
    if (!active) {
      showNoIntegration(services);
      return undefined;
    }
    groups = new Map([[active.id, store.list(active.id).map((s) => s.id)]]);
  }
  const total = [...groups.values()].reduce((n, ids) => n + ids.length, 0);
  const summary = emptyRefreshSummary();
  if (total === 0) {
    void services.ui.showInformationMessage(vscode.l10n.t('No tracked sessions to refresh.'));
    return summary;
  }
  for (const [integrationId, ids] of groups) {
    const integration = services.credentials.list().find((i) => i.id === integrationId);
    const connection = await services.access.connect(integration);
    if (!connection) {
      showFailure(
        services,
        vscode.l10n.t('The statuses of {0} sessions were not refreshed: their integration has no API credentials.', ids.length),
        { credentialsFix: true },
      );
      continue;
    }
    mergeRefresh(summary, await refreshIntegration(services, connection, ids, signal));
  }
  await reportRefresh(services, summary);
  return summary;
}

async function reportRefresh(services: Services, summary: RefreshSummary): Promise<void> {
  if (summary.failures.length > 0) {
    const first = describeFailure(summary.failures[0].outcome);
    const credentialsFix = summary.failures.some((f) => describeFailure(f.outcome).credentialsFix);
    showFailure(
      services,
      vscode.l10n.t('Could not refresh {0} of {1} session statuses; the rows show the error. {2}', summary.failed, summary.requested, first.text),
      { credentialsFix },
    );
  } else if (summary.cancelled) {
    services.ui.showStatusMessage(vscode.l10n.t('Refresh cancelled: {0} of {1} statuses refreshed.', summary.refreshed, summary.requested));
  } else {
    services.ui.showStatusMessage(vscode.l10n.t('$(check) Veriff: {0} session statuses refreshed', summary.refreshed));
  }
}
