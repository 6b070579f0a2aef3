import * as vscode from 'vscode';
import type { DeleteFailure } from '../../core/deleteOutcome';
import type { DeleteResult, NotSentReason } from '../../core/deletePlan';
import type { Integration } from '../credentials';
import { showFailure } from '../failures';
import { describeFailure } from '../failureText';
import type { Services } from '../services';
import { idPrefix, statusText } from '../sessionLook';
import type { SessionToDelete, SentResult } from './deleteSummary';

/** What "Delete Session" tells the user at the end. */

const NOT_SENT_TEXT: Record<NotSentReason, (n: number) => string> = {
  processing: (n) => vscode.l10n.t('{0} still being processed by Veriff (submitted or in review)', n),
  gone: (n) => vscode.l10n.t('{0} already gone at Veriff (no longer tracked)', n),
  statusUnavailable: (n) => vscode.l10n.t('{0} whose status could not be checked', n),
  inFlight: (n) => vscode.l10n.t('{0} already being deleted', n),
  budget: (n) => vscode.l10n.t('{0} over the delete budget for now', n),
  stopped: (n) => vscode.l10n.t('{0} stopped after an earlier failure', n),
  cancelled: (n) => vscode.l10n.t('{0} cancelled', n),
};

export function describeNotSent(reasons: readonly NotSentReason[]): string {
  const counts = new Map<NotSentReason, number>();
  for (const r of reasons) {
    counts.set(r, (counts.get(r) ?? 0) + 1);
  }
  return [...counts].map(([reason, n]) => NOT_SENT_TEXT[reason](n)).join('; ');
}

export async function reportNothingSent(
  services: Services,
  integration: Integration,
  notSent: Array<{ candidate: SessionToDelete; reason: NotSentReason }>,
  candidates: SessionToDelete[],
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

export async function reportSent(services: Services, integration: Integration, sent: SentResult[], notSent: readonly NotSentReason[]): Promise<void> {
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
