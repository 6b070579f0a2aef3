import * as vscode from 'vscode';
import type { DeleteFailure } from '../../../core/deleteOutcome';
import {
  type DeleteCandidate,
  type DeleteResult,
  type NotSentReason,
  continueAfter,
  needsStatusCheck,
  planDelete,
} from '../../../core/deletePlan';
import type { SessionStatus } from '../../../core/status';
import { isDeletableStatus } from '../../../core/status';
import { apiKeyFingerprint, type Integration } from '../../credentials';
import { describeFailure, showFailure, showNoIntegration } from '../../failures';
import type { Services } from '../../services';
import { byIntegration, resolveSessionArgs, type SessionRef } from '../../sessionArgs';
import { sessionsOrPick, type SessionPicker } from '../../sessionChoice';
import { idPrefix, statusText } from '../../sessionLook';
import { settings } from '../../settings';
import { fetchStatuses, withSessionsProgress } from '../../sessionStatuses';

/** What one "Delete Session" did, per session id. */
export interface DeleteSummary {
  deleted: string[];
  /** 404: already gone; no longer tracked. */
  alreadyGone: string[];
  /** 1305 / 1306: Veriff refused; the status was updated. */
  refused: string[];
  /** Sent and failed (401/403, 429, network, timeout, 5xx, malformed): kept, error on the row. */
  failed: string[];
  /** Not sent, and why. */
  notSent: Array<{ id: string; reason: NotSentReason }>;
  /** Ignored: another "Delete Session" is busy with them (double click). */
  ignored: string[];
  /** The user declined the confirmation (nothing was sent). */
  declined: boolean;
}

interface Candidate extends DeleteCandidate {
  status: SessionStatus;
  statusFetchedAt?: number;
  tracked: boolean;
  /** The status GET's failure, when the check failed. */
  checkFailure?: DeleteFailure;
}

interface SentResult {
  id: string;
  result: DeleteResult;
}

function emptySummary(): DeleteSummary {
  return { deleted: [], alreadyGone: [], refused: [], failed: [], notSent: [], ignored: [], declined: false };
}

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

async function deleteInIntegration(services: Services, integration: Integration | undefined, ids: string[], summary: DeleteSummary): Promise<void> {
  const store = services.sessions.store;
  const connection = await services.access.connect(integration);
  if (!connection || !integration) {
    showFailure(services, vscode.l10n.t('Nothing was deleted: the integration of these sessions has no API credentials.'), { credentialsFix: true });
    summary.notSent.push(...ids.map((id) => ({ id, reason: 'statusUnavailable' as const })));
    return;
  }
  const candidates: Candidate[] = ids.map((id) => {
    const tracked = store.get(integration.id, id);
    return {
      id,
      status: tracked?.status ?? 'unknown',
      ...(tracked?.statusFetchedAt !== undefined ? { statusFetchedAt: tracked.statusFetchedAt } : {}),
      tracked: tracked !== undefined,
    };
  });

  // 1. Know the state: one status fetch (no budget) for every unknown or stale one.
  const toCheck = candidates.filter((c) => needsStatusCheck(c, services.clock.now()));
  if (toCheck.length > 0) {
    const { statuses } = await withSessionsProgress('', false, () => fetchStatuses(services, connection, toCheck.map((c) => c.id)));
    for (const c of toCheck) {
      const got = statuses.get(c.id);
      if (got && 'status' in got) {
        c.status = got.status;
        c.statusFetchedAt = got.fetchedAt;
      } else if (got) {
        c.checkFailure = got;
      }
    }
  }

  // 2. Decide once what is worth a DELETE; the budget is checked again, slot by slot, when each one leaves.
  const key = apiKeyFingerprint(connection.secrets.apiKey);
  const now = services.clock.now();
  const plan = planDelete(candidates, { now });
  const preview = services.budgetService?.preview(key, plan.send.length) ?? { available: plan.send.length };
  const notSent: NotSentReason[] = [];
  for (const { candidate, reason } of plan.notSent) {
    notSent.push(reason);
    summary.notSent.push({ id: candidate.id, reason });
    if (reason === 'gone' && candidate.tracked) {
      store.remove(integration.id, [candidate.id]);
      services.log.info(`[${integration.name}] Session ${candidate.id} is gone at Veriff (404): no longer tracked, no delete spent`);
    }
  }
  const sendable = plan.send.slice(0, preview.available);
  for (const candidate of plan.send.slice(preview.available)) {
    notSent.push('budget');
    summary.notSent.push({ id: candidate.id, reason: 'budget' });
  }
  if (sendable.length === 0) {
    void reportNothingSent(services, integration, [...plan.notSent, ...plan.send.map((candidate) => ({ candidate, reason: 'budget' as const }))], candidates, preview.blockedText);
    return;
  }

  // 3. Confirm the cost.
  if (settings.confirmBeforeDelete()) {
    const n = sendable.length;
    const question = n === 1 ? vscode.l10n.t('Delete session {0}?', idPrefix(sendable[0].id)) : vscode.l10n.t('Delete {0} sessions?', n);
    const cost =
      preview.costText ??
      (n === 1
        ? vscode.l10n.t("This uses 1 of Veriff's delete budget (5 per hour, 10 per 24 hours).")
        : vscode.l10n.t("This uses {0} of Veriff's delete budget (5 per hour, 10 per 24 hours).", n));
    const details = [cost, vscode.l10n.t('Integration: {0}', integration.name)];
    if (notSent.length > 0) {
      details.push(vscode.l10n.t('Not sent: {0}', describeNotSent(notSent)));
    }
    if (preview.blockedText) {
      details.push(preview.blockedText);
    }
    const deleteButton = vscode.l10n.t('Delete');
    if ((await services.ui.confirm(question, details.join('\n'), deleteButton)) !== deleteButton) {
      summary.declined = true;
      services.log.info(`[${integration.name}] Delete of ${n} session(s) declined at the confirmation; nothing sent`);
      return;
    }
  }

  // 4. Send through the pipeline, one at a time; stop at the first answer that makes the rest hopeless.
  // A session deleted by hand leaves the delete queue, so it is never in flight in two places.
  services.budgetService?.dequeue(sendable.map((c) => c.id));
  const target = { integrationId: integration.id, integrationName: integration.name, key, client: connection.client };
  const sent: SentResult[] = [];
  const queue = [...sendable];
  let budgetText: string | undefined;
  const title = vscode.l10n.t('Deleting {0} Veriff sessions', queue.length);
  await withSessionsProgress(title, queue.length > 1, async (signal, report) => {
    while (queue.length > 0) {
      const candidate = queue.shift()!;
      report(`${sent.length + 1}/${sendable.length}`);
      const step = await services.pipeline.send(target, candidate.id, { via: 'command', tracked: candidate.tracked, ...(signal ? { signal } : {}) });
      if (step.kind === 'notSent') {
        const reason: NotSentReason = step.reason === 'budget' ? 'budget' : step.reason === 'cancelled' ? 'cancelled' : 'stopped';
        if (step.reason === 'budget') {
          budgetText = services.budgetService?.preview(key, 1).blockedText;
        }
        for (const c of [candidate, ...queue.splice(0)]) {
          notSent.push(reason);
          summary.notSent.push({ id: c.id, reason });
        }
        break;
      }
      sent.push({ id: candidate.id, result: step.result });
      tally(summary, candidate.id, step.result);
      if (!continueAfter(step.result)) {
        for (const c of queue.splice(0)) {
          notSent.push('stopped');
          summary.notSent.push({ id: c.id, reason: 'stopped' });
        }
      }
    }
  });
  if (sent.length === 0) {
    void reportNothingSent(services, integration, summary.notSent.map((n) => ({ candidate: candidates.find((c) => c.id === n.id)!, reason: n.reason })), candidates, budgetText);
    return;
  }
  void reportSent(services, integration, sent, notSent);
}

function tally(summary: DeleteSummary, id: string, result: DeleteResult): void {
  switch (result.kind) {
    case 'deleted':
      summary.deleted.push(id);
      return;
    case 'alreadyGone':
      summary.alreadyGone.push(id);
      return;
    case 'refused':
      summary.refused.push(id);
      return;
    default:
      summary.failed.push(id);
  }
}

const NOT_SENT_TEXT: Record<NotSentReason, (n: number) => string> = {
  processing: (n) => vscode.l10n.t('{0} still being processed by Veriff (submitted or in review)', n),
  gone: (n) => vscode.l10n.t('{0} already gone at Veriff (no longer tracked)', n),
  statusUnavailable: (n) => vscode.l10n.t('{0} whose status could not be checked', n),
  inFlight: (n) => vscode.l10n.t('{0} already being deleted', n),
  budget: (n) => vscode.l10n.t('{0} over the delete budget for now', n),
  stopped: (n) => vscode.l10n.t('{0} stopped after an earlier failure', n),
  cancelled: (n) => vscode.l10n.t('{0} cancelled', n),
};

function describeNotSent(reasons: readonly NotSentReason[]): string {
  const counts = new Map<NotSentReason, number>();
  for (const r of reasons) {
    counts.set(r, (counts.get(r) ?? 0) + 1);
  }
  return [...counts].map(([reason, n]) => NOT_SENT_TEXT[reason](n)).join('; ');
}

async function reportNothingSent(
  services: Services,
  integration: Integration,
  notSent: Array<{ candidate: Candidate; reason: NotSentReason }>,
  candidates: Candidate[],
  blockedText: string | undefined,
): Promise<void> {
  services.log.info(`[${integration.name}] No DELETE sent: ${notSent.map((x) => `${x.candidate.id} ${x.reason}`).join(', ')}`);
  const checkFailure = candidates.find((c) => c.checkFailure)?.checkFailure;
  if (notSent.length === 1) {
    const { candidate, reason } = notSent[0];
    const sid = idPrefix(candidate.id);
    switch (reason) {
      case 'processing':
        void services.ui.showWarningMessage(
          vscode.l10n.t(
            'Session {0} was not deleted: Veriff is still processing it ({1}) and would refuse. No delete was spent; try again after the decision.',
            sid,
            statusText(candidate.status),
          ),
        );
        return;
      case 'gone':
        services.ui.showStatusMessage(
          vscode.l10n.t('Session {0} is already gone at Veriff (deleted, or it never existed). No delete was spent; it is no longer tracked.', sid),
        );
        return;
      case 'budget':
        void services.ui.showWarningMessage(
          vscode.l10n.t('Session {0} was not deleted: the delete budget allows no more deletes now. {1}', sid, blockedText ?? ''),
        );
        return;
      default:
        break;
    }
  }
  if (checkFailure) {
    const failure = describeFailure(checkFailure);
    showFailure(
      services,
      vscode.l10n.t('Nothing was deleted: {0}. No delete was spent. {1}', describeNotSent(notSent.map((x) => x.reason)), failure.text),
      { credentialsFix: failure.credentialsFix },
    );
    return;
  }
  const text = vscode.l10n.t('Nothing was deleted: {0}. No delete was spent.', describeNotSent(notSent.map((x) => x.reason)));
  void services.ui.showWarningMessage(blockedText ? `${text} ${blockedText}` : text);
}

async function reportSent(services: Services, integration: Integration, sent: SentResult[], notSent: readonly NotSentReason[]): Promise<void> {
  const failures: Array<{ id: string; outcome: DeleteFailure; credentials: boolean }> = [];
  for (const s of sent) {
    if (s.result.kind === 'credentials' || s.result.kind === 'rateLimited' || s.result.kind === 'failed') {
      failures.push({ id: s.id, outcome: s.result.outcome, credentials: s.result.kind === 'credentials' });
    }
  }
  const refusals = sent.filter((s) => s.result.kind === 'refused');
  const gone = sent.filter((s) => s.result.kind === 'alreadyGone');
  const deleted = sent.filter((s) => s.result.kind === 'deleted');
  const total = sent.length + notSent.length;
  const credentialsFix = failures.some((f) => f.credentials);

  if (total === 1 && sent.length === 1) {
    const { id, result } = sent[0];
    const sid = idPrefix(id);
    switch (result.kind) {
      // Routine: the row goes from the tree; a status-bar note says so.
      case 'deleted':
        services.ui.showStatusMessage(vscode.l10n.t('$(trash) Deleted session {0} from {1}.', sid, integration.name));
        return;
      case 'alreadyGone':
        services.ui.showStatusMessage(
          vscode.l10n.t('Session {0} was already gone at Veriff (404: deleted before, or it never existed). It is no longer tracked.', sid),
        );
        return;
      case 'refused':
        void services.ui.showWarningMessage(
          vscode.l10n.t('Veriff refused to delete session {0}: {1} {2}', sid, result.outcome.kind === 'veriffError' ? result.outcome.explanation.meaning : '', refusalFix(result)),
        );
        return;
      default:
        showFailure(services, vscode.l10n.t('Session {0} was not deleted and stays tracked. {1}', sid, describeFailure(result.outcome).text), {
          credentialsFix,
        });
        return;
    }
  }

  const parts = [vscode.l10n.t('Deleted {0} of {1} sessions.', deleted.length, total)];
  if (gone.length > 0) {
    parts.push(vscode.l10n.t('{0} were already gone (no longer tracked).', gone.length));
  }
  if (refusals.length > 0) {
    parts.push(vscode.l10n.t('{0} refused by Veriff (still processing or in progress; statuses updated).', refusals.length));
  }
  if (notSent.length > 0) {
    parts.push(vscode.l10n.t('Not sent: {0}.', describeNotSent(notSent)));
  }
  if (failures.length > 0) {
    parts.push(vscode.l10n.t('{0} failed and stay tracked: {1}', failures.length, describeFailure(failures[0].outcome).text));
    showFailure(services, parts.join(' '), { credentialsFix });
  } else if (refusals.length > 0 || notSent.length > 0) {
    void services.ui.showWarningMessage(parts.join(' '));
  } else {
    void services.ui.showInformationMessage(parts.join(' '));
  }
}

function refusalFix(result: Extract<DeleteResult, { kind: 'refused' }>): string {
  return result.outcome.kind === 'veriffError' ? result.outcome.explanation.fix : '';
}
