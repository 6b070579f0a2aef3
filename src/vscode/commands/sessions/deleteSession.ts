import * as vscode from 'vscode';
import { isDeletableStatus } from '../../../core/status';
import { deleteInIntegration } from '../../deleteFlow/deleteInIntegration';
import { emptySummary, type DeleteSummary } from '../../deleteFlow/deleteSummary';
import { showNoIntegration } from '../../noIntegration';
import type { Services } from '../../services';
import { byIntegration, resolveSessionArgs, type SessionRef } from '../../sessionArgs';
import { sessionsOrPick, type SessionPicker } from '../../sessionChoice';

export type { DeleteSummary } from '../../deleteFlow/deleteSummary';

/**
 * "Veriff: Delete Session": the clicked row, the multi-selection, given id(s), or (bare) a quick
 * pick of tracked sessions that also takes a pasted id. It never spends a delete blind: a stale
 * or unknown status is fetched first, hopeless sessions are not sent, the cost is confirmed, and
 * each DELETE is sent once, one after another, never retried.
 */
export async function deleteSession(services: Services, arg?: unknown, selected?: unknown): Promise<DeleteSummary | undefined> {
  // Claim synchronously (before any await) so a double click's second invocation sees the claim.
  const args = resolveSessionArgs(services, arg, selected);
  const claims: SessionRef[] = [];
  const summary = emptySummary();
  const take = (refs: readonly SessionRef[]): SessionRef[] => {
    const { mine, ignored } = claim(services, refs);
    claims.push(...mine);
    summary.ignored.push(...ignored.map((r) => r.id));
    if (ignored.length > 0) {
      services.log.info(`Delete ignored for ${ignored.map((r) => r.id).join(', ')}: already being deleted`);
    }
    return mine;
  };
  const given = args.given ? take(args.refs) : [];
  try {
    if (args.noIntegration) {
      showNoIntegration(services);
      return undefined;
    }
    if (args.given && args.refs.length === 0) {
      void services.ui.showErrorMessage(vscode.l10n.t('Nothing was deleted: not a session id (UUID): {0}', args.invalid.join(', ')));
      return undefined;
    }
    if (args.invalid.length > 0) {
      void services.ui.showWarningMessage(vscode.l10n.t('Not session ids, ignored: {0}', args.invalid.join(', ')));
    }
    const refs = args.given ? given : take(await sessionsOrPick(services, args, () => picker(services)));
    for (const [integrationId, ids] of byIntegration(refs)) {
      const integration = services.credentials.list().find((i) => i.id === integrationId);
      await deleteInIntegration(services, integration, ids, summary);
      if (summary.declined) {
        break;
      }
    }
    return summary;
  } finally {
    release(services, claims);
  }
}

function claim(services: Services, refs: readonly SessionRef[]): { mine: SessionRef[]; ignored: SessionRef[] } {
  const mine: SessionRef[] = [];
  const ignored: SessionRef[] = [];
  for (const [integrationId, ids] of byIntegration(refs)) {
    const got = services.pipeline.claim(integrationId, ids);
    mine.push(...got.mine.map((id) => ({ integrationId, id })));
    ignored.push(...got.busy.map((id) => ({ integrationId, id })));
  }
  return { mine, ignored };
}

function release(services: Services, refs: readonly SessionRef[]): void {
  for (const [integrationId, ids] of byIntegration(refs)) {
    services.pipeline.release(integrationId, ids);
  }
}

/** The palette's pick: deletable sessions first, then the rest; a typed/pasted id that is not tracked becomes an item. */
function picker(services: Services): SessionPicker | undefined {
  const active = services.credentials.active();
  if (!active) {
    showNoIntegration(services);
    return undefined;
  }
  return {
    integrationId: active.id,
    title: vscode.l10n.t('Veriff: Delete Session ({0})', active.name),
    placeHolder: vscode.l10n.t('Check the sessions to delete, or paste a session id'),
    order: (sessions) => {
      const newest = [...sessions].reverse();
      return [...newest.filter((s) => isDeletableStatus(s.status)), ...newest.filter((s) => !isDeletableStatus(s.status))];
    },
    typed: {
      description: vscode.l10n.t('not tracked: delete by id'),
      placeHolderWhenNoneTracked: vscode.l10n.t('No tracked sessions: paste the id of a session to delete'),
    },
  };
}
