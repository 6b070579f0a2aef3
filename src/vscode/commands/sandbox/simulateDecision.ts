import * as vscode from 'vscode';
import { isVeriffStatus, type VeriffStatus } from '../../../core/status';
import { answered } from '../../prompts';
import type { Services } from '../../services';
import { offerToStartSandbox } from '../../sandboxStartOffer';
import { resolveSessionArgs, type SessionRef } from '../../sessionArgs';
import { sessionsOrPick, type SessionPicker } from '../../sessionChoice';

interface Simulation extends vscode.QuickPickItem {
  status: VeriffStatus;
}

/** What Veriff or the end user could do to a session, as the quick pick offers it. */
export function simulations(): Simulation[] {
  const deletable = vscode.l10n.t('DELETE allowed');
  return [
    { label: vscode.l10n.t('Approve'), description: `approved · ${deletable}`, status: 'approved' },
    { label: vscode.l10n.t('Decline'), description: `declined · ${deletable}`, status: 'declined' },
    { label: vscode.l10n.t('Request Resubmission'), description: `resubmission_requested · ${deletable}`, status: 'resubmission_requested' },
    { label: vscode.l10n.t('Submit (processing)'), description: `submitted · ${vscode.l10n.t('DELETE refused with 1305')}`, status: 'submitted' },
    { label: vscode.l10n.t('Put in Review'), description: `review · ${vscode.l10n.t('DELETE refused with 1305')}`, status: 'review' },
    { label: vscode.l10n.t('Expire'), description: `expired · ${deletable}`, status: 'expired' },
    { label: vscode.l10n.t('Abandon'), description: `abandoned · ${deletable}`, status: 'abandoned' },
    { label: vscode.l10n.t('Start (end user in flow)'), description: `started · ${vscode.l10n.t('DELETE refused with 1306')}`, status: 'started' },
  ];
}

/**
 * "Simulate Decision…" (sandbox sessions only): moves sessions of the local sandbox to a status as
 * Veriff or the end user would, then records the new status so the tree shows it.
 * Called from the tree (clicked row, multi-selection), with arguments `(sessionId | ids[], status)`,
 * or bare (asks which tracked sessions). Returns the ids that changed.
 */
export async function simulateDecision(services: Services, target?: unknown, selectionOrStatus?: unknown): Promise<string[] | undefined> {
  const running = services.sandbox.running;
  if (!running) {
    offerToStartSandbox(
      services,
      'warning',
      vscode.l10n.t('The local Veriff sandbox is not running: start it to simulate decisions.'),
      'Simulating a decision',
      () => vscode.commands.executeCommand('veriff.simulateDecision', target, selectionOrStatus),
    );
    return undefined;
  }
  const status = typeof selectionOrStatus === 'string' ? selectionOrStatus : undefined;
  if (status !== undefined && !isVeriffStatus(status)) {
    void services.ui.showErrorMessage(vscode.l10n.t('Not a Veriff session status: {0}', status));
    return undefined;
  }
  const args = resolveSessionArgs(services, target, Array.isArray(selectionOrStatus) ? selectionOrStatus : undefined);
  if (args.invalid.length > 0) {
    void services.ui.showWarningMessage(vscode.l10n.t('Not session ids, ignored: {0}', args.invalid.join(', ')));
  }
  const integrationId = running.integration.id;
  const refs = await sessionsOrPick(services, args, () => picker(integrationId));
  if (refs.length === 0) {
    return undefined;
  }
  const next = status ?? (await askWhatHappens(services, refs)).status;
  const changed: string[] = [];
  const notInSandbox: string[] = [];
  for (const ref of refs) {
    if (!running.state.getSession(ref.id)) {
      notInSandbox.push(ref.id);
      continue;
    }
    running.state.setStatus(ref.id, next);
    running.state.setInFlow(ref.id, next === 'started');
    services.sessions.store.updateStatus(ref.integrationId, ref.id, next, services.clock.now());
    changed.push(ref.id);
  }
  if (changed.length > 0) {
    services.log.info(`Local sandbox: ${changed.length} session(s) set to ${next}${next === 'started' ? ' (end user in the flow)' : ''}: ${changed.join(', ')}`);
  }
  if (notInSandbox.length > 0) {
    services.log.warn(`Local sandbox: not a sandbox session, left alone: ${notInSandbox.join(', ')}`);
    void services.ui.showWarningMessage(
      vscode.l10n.t('{0} session(s) are not sessions of the running local sandbox and were left alone: {1}', String(notInSandbox.length), notInSandbox.join(', ')),
    );
  }
  return changed;
}

function askWhatHappens(services: Services, refs: readonly SessionRef[]): Promise<Simulation> {
  return answered(
    services.ui.showQuickPick(simulations(), {
      title: vscode.l10n.t('Veriff: Simulate Decision'),
      placeHolder: refs.length === 1 ? vscode.l10n.t('What happens to session {0}?', refs[0].id) : vscode.l10n.t('What happens to these {0} sessions?', String(refs.length)),
    }),
  );
}

/** Sandbox sessions, oldest first, with their raw status. */
function picker(integrationId: string): SessionPicker {
  return {
    integrationId,
    title: vscode.l10n.t('Veriff: Simulate Decision'),
    placeHolder: vscode.l10n.t('The sandbox sessions to change'),
    nothingTracked: vscode.l10n.t('No sandbox sessions are tracked yet. Create one with "Veriff: Create Test Session".'),
    order: (sessions) => [...sessions],
    item: (s) => ({ label: s.id, description: `${s.status} · ${s.label}`, ref: { id: s.id, integrationId } }),
  };
}
