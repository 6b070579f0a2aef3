import * as vscode from 'vscode';
import { needsStatusCheck } from '../../../core/deletePlan';
import type { QueueEvent } from '../../../core/queueRunner';
import type { TrackedSession } from '../../../core/sessions';
import { planTidyUp, type TidyUpPlan } from '../../../core/tidyUp';
import { aboutText, clockText } from '../../budget/budgetText';
import { costText } from '../../budget/deleteAllowance';
import { apiKeyFingerprint, type Integration } from '../../credentials';
import { showFailure } from '../../failures';
import { showNoIntegration } from '../../noIntegration';
import type { Services } from '../../services';
import { runOrPick } from '../../sessionChoice';
import { settings } from '../../settings';
import type { Connection } from '../../veriffAccess';
import { fetchStatuses, withSessionsProgress } from '../../sessionStatuses';

/** What one tidy-up did. */
export interface TidyUpSummary {
  integration: string;
  /** The run, for "Tidy Up This Run". */
  run?: string;
  candidates: number;
  deleted: string[];
  /** Already deleted or never existed (found by the status check or by a 404). */
  gone: string[];
  /** Veriff refuses a DELETE now (submitted, in review, in the flow); nothing was spent on them unless Veriff said so. */
  notDeletable: Array<{ id: string; reason: string }>;
  /** Still waiting in the delete queue for the budget. */
  queued: string[];
  /** When the last queued one can go. */
  queuedFinishAt?: number;
  /** Their status could not be checked: left alone. */
  unchecked: string[];
  /** A DELETE failed and will be retried, or was given up. */
  failed: string[];
  /** Veriff answered 429 during the run. */
  rateLimited: boolean;
  pausedReason?: string;
  /** Cancelled from the progress notification; the ones not sent were taken off the queue. */
  cancelled: boolean;
  /** The user declined the confirmation: nothing was queued or sent. */
  declined: boolean;
  /** The message shown at the end. */
  message?: string;
}

interface Candidate {
  id: string;
  status: TrackedSession['status'];
  addedAt: number;
}

/** "Veriff: Tidy Up Test Sessions": every tracked session of the active integration. */
export async function tidyUp(services: Services): Promise<TidyUpSummary | undefined> {
  const integration = services.credentials.active();
  if (!integration) {
    showNoIntegration(services);
    return undefined;
  }
  return tidyUpSessions(services, integration, undefined);
}

/** "Tidy Up This Run": the sessions of one run (the clicked group, a run label, the focused view's selected run, or picked from a list). */
export async function tidyUpRun(services: Services, node?: unknown, selected?: unknown): Promise<TidyUpSummary | undefined> {
  const { integration, run } = await runOrPick(services, node, selected, (integrationName) => ({
    title: vscode.l10n.t('Veriff: Tidy Up This Run ({0})', integrationName),
    placeHolder: vscode.l10n.t('Pick the test run to tidy up'),
  }));
  if (!integration) {
    showNoIntegration(services);
    return undefined;
  }
  return tidyUpSessions(services, integration, run);
}

async function tidyUpSessions(services: Services, integration: Integration, run: string | undefined): Promise<TidyUpSummary | undefined> {
  const budget = services.budgetService;
  if (!budget) {
    throw new Error('the delete budget is not available');
  }
  const store = services.sessions.store;
  const summary: TidyUpSummary = {
    integration: integration.name,
    ...(run !== undefined ? { run } : {}),
    candidates: 0,
    deleted: [],
    gone: [],
    notDeletable: [],
    queued: [],
    unchecked: [],
    failed: [],
    rateLimited: false,
    cancelled: false,
    declined: false,
  };
  const inScope = (): TrackedSession[] =>
    store.list(integration.id).filter((s) => (run === undefined || s.label === run) && !services.pipeline.isInFlight(integration.id, s.id));
  const sessions = inScope();
  summary.candidates = sessions.length;
  if (sessions.length === 0) {
    summary.message =
      run === undefined ? vscode.l10n.t('No tracked sessions to tidy up in {0}.', integration.name) : vscode.l10n.t('Run "{0}" has no tracked sessions.', run);
    void services.ui.showInformationMessage(summary.message);
    return summary;
  }
  const connection = await services.access.connect(integration);
  if (!connection) {
    showFailure(services, vscode.l10n.t('Nothing was tidied up: {0} has no API credentials.', integration.name), { credentialsFix: true });
    return undefined;
  }
  const key = apiKeyFingerprint(connection.secrets.apiKey);
  const scope = run === undefined ? integration.name : `${integration.name} / ${run}`;
  services.log.info(`[${integration.name}] Tidy-up of ${run === undefined ? 'all tracked sessions' : `run "${run}"`}: ${sessions.length} candidate(s)`);

  // 1. Know their states (GETs, no delete budget): a DELETE is never spent on a guess.
  const checked = await checkStatuses(services, connection, sessions, scope);
  if (checked.cancelled) {
    summary.cancelled = true;
    summary.message = vscode.l10n.t('Tidy-up cancelled while checking statuses; nothing was deleted.');
    void services.ui.showInformationMessage(summary.message);
    return summary;
  }
  const now = services.clock.now();
  const candidates: Candidate[] = [];
  for (const s of inScope()) {
    if (needsStatusCheck(s, now)) {
      summary.unchecked.push(s.id);
    } else {
      candidates.push({ id: s.id, status: s.status, addedAt: s.addedAt });
    }
  }

  // 2. Plan against the budget, behind what is queued already.
  const candidateIds = new Set(candidates.map((c) => c.id));
  const ahead = budget.queuedItems(key).filter((i) => !candidateIds.has(i.id)).length;
  const plan = planTidyUp(candidates, budget.ledger, key, { aheadInQueue: ahead });
  for (const s of plan.gone) {
    summary.gone.push(s.id);
  }
  if (plan.gone.length > 0) {
    store.remove(integration.id, plan.gone.map((s) => s.id));
    services.log.info(`[${integration.name}] Tidy-up: ${plan.gone.length} session(s) already gone at Veriff (404): no longer tracked, no delete spent`);
  }
  summary.notDeletable.push(...plan.notDeletable.map((s) => ({ id: s.id, reason: s.reason })));
  const toDelete = [...plan.deletableNow, ...plan.queued].map((s) => s.id);
  if (toDelete.length === 0) {
    return finish(services, summary, budget.now());
  }

  // 3. Confirm the plan and its cost.
  if (settings.confirmBeforeTidyUp()) {
    const question =
      run === undefined
        ? vscode.l10n.t('Tidy up the test sessions of {0}?', integration.name)
        : vscode.l10n.t('Tidy up run "{0}" ({1})?', run, integration.name);
    const details = [planSentence(plan, budget.now())];
    if (plan.deletableNow.length > 0) {
      details.push(costText(budget.remaining(key), plan.deletableNow.length));
    }
    if (plan.queued.length > 0) {
      details.push(
        settings.continueQueueAutomatically()
          ? vscode.l10n.t('Queued sessions are deleted by themselves as the budget frees up, also after VS Code restarts.')
          : vscode.l10n.t('Queued sessions wait for "Run Now" in the delete budget (the status bar): the setting veriff.continueQueueAutomatically is off.'),
      );
    }
    if (plan.gone.length > 0) {
      details.push(
        plan.gone.length === 1
          ? vscode.l10n.t('1 was already gone at Veriff and is no longer tracked.')
          : vscode.l10n.t('{0} were already gone at Veriff and are no longer tracked.', plan.gone.length),
      );
    }
    if (summary.unchecked.length > 0) {
      details.push(
        summary.unchecked.length === 1
          ? vscode.l10n.t('1 is left alone: its status could not be checked.')
          : vscode.l10n.t('{0} are left alone: their status could not be checked.', summary.unchecked.length),
      );
    }
    const button = vscode.l10n.t('Tidy Up');
    if ((await services.ui.confirm(question, details.join('\n'), button)) !== button) {
      summary.declined = true;
      services.log.info(`[${integration.name}] Tidy-up declined at the confirmation; nothing queued or sent`);
      return summary;
    }
  }

  // 4. One code path: everything goes on the queue, and the runner sends what the budget allows now.
  budget.enqueue(toDelete.map((id) => ({ id, integrationKey: key })));
  services.log.info(`[${integration.name}] Tidy-up: ${toDelete.length} session(s) queued for deletion (${plan.deletableNow.length} can go now)`);
  const mine = new Set(toDelete);
  const settled = new Set<string>();
  const title = vscode.l10n.t('Tidying up {0}', scope);
  await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, token) => {
    const onEvent = (event: QueueEvent): void => {
      if (!('id' in event) || event.id === undefined || !mine.has(event.id)) {
        return;
      }
      switch (event.kind) {
        case 'sending':
          progress.report({ message: vscode.l10n.t('deleting {0} of {1}', settled.size + 1, plan.deletableNow.length || toDelete.length) });
          return;
        case 'deleted':
          summary.deleted.push(event.id);
          break;
        case 'gone':
          summary.gone.push(event.id);
          break;
        case 'notDeletable':
          summary.notDeletable.push({ id: event.id, reason: event.reason });
          break;
        case 'rateLimited':
          summary.rateLimited = true;
          return;
        case 'retryLater':
        case 'gaveUp':
          if (!summary.failed.includes(event.id)) {
            summary.failed.push(event.id);
          }
          return;
        default:
          return;
      }
      settled.add(event.id);
    };
    const subscription = budget.onDidQueueEvent(onEvent);
    const cancel = token.onCancellationRequested(() => {
      summary.cancelled = true;
      const waiting = toDelete.filter((id) => !settled.has(id) && !budget.runner.isInFlight(id));
      const removed = budget.dequeue(waiting);
      services.log.info(`[${integration.name}] Tidy-up cancelled: ${removed} queued delete(s) taken off the queue`);
    });
    try {
      const run = await budget.runNow();
      if (run.pausedReason !== undefined) {
        summary.pausedReason = run.pausedReason;
      }
    } finally {
      cancel.dispose();
      subscription.dispose();
    }
  });
  return finish(services, summary, budget.now(), budget.queuedItems(key).filter((i) => mine.has(i.id)));
}

async function checkStatuses(
  services: Services,
  connection: Connection,
  sessions: readonly TrackedSession[],
  scope: string,
): Promise<{ cancelled: boolean }> {
  const now = services.clock.now();
  const ids = sessions.filter((s) => needsStatusCheck(s, now)).map((s) => s.id);
  if (ids.length === 0) {
    return { cancelled: false };
  }
  const title = vscode.l10n.t('Tidying up {0}: checking {1} session statuses', scope, ids.length);
  return withSessionsProgress(title, true, async (signal, report) => {
    let done = 0;
    await fetchStatuses(services, connection, ids, { signal, onDone: () => report(`${++done}/${ids.length}`, 100 / ids.length) });
    return { cancelled: signal?.aborted ?? false };
  });
}

/** "Delete 4 sessions now, queue 12 (finishing in about 2 days); 3 are not deletable yet (submitted/in review)." */
function planSentence(plan: TidyUpPlan, now: number): string {
  const parts: string[] = [];
  const n = plan.deletableNow.length;
  const q = plan.queued.length;
  if (n > 0) {
    parts.push(n === 1 ? vscode.l10n.t('Delete 1 session now') : vscode.l10n.t('Delete {0} sessions now', n));
  }
  if (q > 0) {
    const finish = plan.finishAt ?? now;
    const queueText = vscode.l10n.t('queue {0} (finishing in {1}, at {2})', q, aboutText(finish, now), clockText(finish, now));
    parts.push(n > 0 ? queueText : queueText.charAt(0).toUpperCase() + queueText.slice(1));
  }
  let text = parts.join(', ');
  if (plan.notDeletable.length > 0) {
    text += `; ${
      plan.notDeletable.length === 1
        ? vscode.l10n.t('1 is not deletable yet (submitted/in review)')
        : vscode.l10n.t('{0} are not deletable yet (submitted/in review)', plan.notDeletable.length)
    }`;
  }
  return `${text}.`;
}

function finish(services: Services, summary: TidyUpSummary, now: number, stillQueued: ReadonlyArray<{ id: string; eta: number }> = []): TidyUpSummary {
  summary.queued = stillQueued.map((i) => i.id);
  if (stillQueued.length > 0) {
    summary.queuedFinishAt = Math.max(...stillQueued.map((i) => i.eta));
  }
  const parts = [vscode.l10n.t('deleted {0}', summary.deleted.length)];
  if (summary.gone.length > 0) {
    parts.push(vscode.l10n.t('already gone {0}', summary.gone.length));
  }
  if (summary.notDeletable.length > 0) {
    parts.push(vscode.l10n.t('not deletable yet {0} ({1})', summary.notDeletable.length, notDeletableWhy(summary.notDeletable)));
  }
  if (summary.queued.length > 0) {
    const at = summary.queuedFinishAt ?? now;
    parts.push(vscode.l10n.t('queued {0} (finishing in {1}, at {2})', summary.queued.length, aboutText(at, now), clockText(at, now)));
  }
  if (summary.unchecked.length > 0) {
    parts.push(vscode.l10n.t('status not checked {0} (left alone)', summary.unchecked.length));
  }
  if (summary.failed.length > 0) {
    parts.push(vscode.l10n.t('failed {0} (see the log)', summary.failed.length));
  }
  const scope = summary.run === undefined ? summary.integration : `${summary.integration} / ${summary.run}`;
  let message = vscode.l10n.t('Tidy-up of {0}: {1}.', scope, parts.join(', '));
  if (summary.rateLimited) {
    message += ` ${vscode.l10n.t('Veriff answered 429 (the budget was spent elsewhere): the queue waits and goes on by itself.')}`;
  }
  if (summary.pausedReason !== undefined) {
    message += ` ${vscode.l10n.t('The queue is paused: {0}', summary.pausedReason)}`;
  }
  if (summary.cancelled) {
    message += ` ${vscode.l10n.t('Cancelled: the sessions not sent yet were taken off the queue.')}`;
  }
  summary.message = message;
  services.log.info(`Tidy-up of ${scope}: ${summary.deleted.length} deleted, ${summary.gone.length} gone, ${summary.notDeletable.length} not deletable, ${summary.queued.length} queued${summary.cancelled ? ', cancelled' : ''}`);
  const showQueue = vscode.l10n.t('Show Delete Budget');
  const warn = summary.notDeletable.length > 0 || summary.failed.length > 0 || summary.rateLimited || summary.cancelled || summary.pausedReason !== undefined;
  const buttons = summary.queued.length > 0 ? [showQueue] : [];
  // Not awaited: the summary stays on screen while the command returns.
  void (warn ? services.ui.showWarningMessage(message, ...buttons) : services.ui.showInformationMessage(message, ...buttons)).then((choice) => {
    if (choice === showQueue) {
      void vscode.commands.executeCommand('veriff.showBudget');
    }
  });
  return summary;
}

function notDeletableWhy(items: ReadonlyArray<{ reason: string }>): string {
  const reasons = [...new Set(items.map((i) => i.reason))];
  return reasons.length === 1 ? reasons[0] : vscode.l10n.t('Veriff is still processing them: submitted or in review');
}
