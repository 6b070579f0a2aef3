import * as vscode from 'vscode';
import { continueAfter, needsStatusCheck, planDelete, type NotSentReason } from '../../core/deletePlan';
import { deleteAllowance } from '../budget/deleteAllowance';
import { apiKeyFingerprint, type Integration } from '../credentials';
import { showFailure } from '../failures';
import type { Services } from '../services';
import { idPrefix } from '../sessionLook';
import { fetchStatuses, withSessionsProgress } from '../sessionStatuses';
import { settings } from '../settings';
import { describeNotSent, reportNothingSent, reportSent } from './deleteReport';
import { tally, type SessionToDelete, type DeleteSummary, type SentResult } from './deleteSummary';

/**
 * "Delete Session" for the sessions of one integration: know their states, decide what is worth a
 * DELETE, confirm the cost, send one at a time through the pipeline, report.
 */
export async function deleteInIntegration(services: Services, integration: Integration | undefined, ids: string[], summary: DeleteSummary): Promise<void> {
  const store = services.sessions.store;
  const connection = await services.access.connect(integration);
  if (!connection || !integration) {
    showFailure(services, vscode.l10n.t('Nothing was deleted: the integration of these sessions has no API credentials.'), { credentialsFix: true });
    summary.notSent.push(...ids.map((id) => ({ id, reason: 'statusUnavailable' as const })));
    return;
  }
  const candidates: SessionToDelete[] = ids.map((id) => {
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
  const preview = deleteAllowance(services.budgetService, key, plan.send.length);
  // This integration's reasons (for its messages); the summary holds them with their ids for the caller.
  const notSent: NotSentReason[] = [];
  const skip = (id: string, reason: NotSentReason): void => {
    notSent.push(reason);
    summary.notSent.push({ id, reason });
  };
  for (const { candidate, reason } of plan.notSent) {
    skip(candidate.id, reason);
    if (reason === 'gone' && candidate.tracked) {
      store.remove(integration.id, [candidate.id]);
      services.log.info(`[${integration.name}] Session ${candidate.id} is gone at Veriff (404): no longer tracked, no delete spent`);
    }
  }
  const sendable = plan.send.slice(0, preview.available);
  for (const candidate of plan.send.slice(preview.available)) {
    skip(candidate.id, 'budget');
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
  services.budgetService.dequeue(sendable.map((c) => c.id));
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
          budgetText = deleteAllowance(services.budgetService, key, 1).blockedText;
        }
        for (const c of [candidate, ...queue.splice(0)]) {
          skip(c.id, reason);
        }
        break;
      }
      sent.push({ id: candidate.id, result: step.result });
      tally(summary, candidate.id, step.result);
      if (!continueAfter(step.result)) {
        for (const c of queue.splice(0)) {
          skip(c.id, 'stopped');
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
