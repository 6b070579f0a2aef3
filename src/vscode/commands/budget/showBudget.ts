import * as vscode from 'vscode';
import type { RunSummary } from '../../../core/queueRunner';
import { aboutText, clockText, shortEta, whenText } from '../../budget/budgetText';
import { showNoIntegration } from '../../noIntegration';
import type { Services } from '../../services';
import { idPrefix } from '../../sessionLook';

type Action = 'runNow' | 'pause' | 'resume' | 'clear' | 'info' | 'item';

interface BudgetPickItem extends vscode.QuickPickItem {
  action?: Action;
}

export interface ShowBudgetResult {
  action?: Action;
  /** Set after "Run Now". */
  run?: RunSummary;
  /** Set after "Clear Queue". */
  cleared?: number;
}

/**
 * "Veriff: Show Delete Budget" (the status-bar item's click): what is left in each window, when
 * the next delete frees, the queued deletes with their ETA, and the queue's actions.
 */
export async function showBudget(services: Services): Promise<ShowBudgetResult | undefined> {
  const budget = services.budgetService;
  const bar = services.budgetStatusBar;
  if (!budget || !bar) {
    return undefined;
  }
  await bar.whenReady();
  const f = bar.figures();
  if (!f) {
    showNoIntegration(services);
    return undefined;
  }
  const { remaining: r, queue, now } = f;
  const items: BudgetPickItem[] = [
    { label: vscode.l10n.t('Budget'), kind: vscode.QuickPickItemKind.Separator },
    { label: `$(watch) ${vscode.l10n.t('{0} of {1} deletes left this hour', f.hourShown, r.hourLimit)}`, action: 'info' },
    { label: `$(calendar) ${vscode.l10n.t('{0} of {1} deletes left in 24 hours', r.day, r.dayLimit)}`, action: 'info' },
  ];
  if (r.blockedUntil !== undefined) {
    items.push({ label: `$(error) ${vscode.l10n.t('Veriff answered 429: no delete before {0}', clockText(r.blockedUntil, now))}`, action: 'info' });
  }
  if (r.nextFreeAt !== undefined) {
    const text = r.available === 0 ? vscode.l10n.t('The next delete frees {0}', whenText(r.nextFreeAt, now)) : vscode.l10n.t('Another delete frees {0}', whenText(r.nextFreeAt, now));
    items.push({ label: `$(history) ${text}`, action: 'info' });
  }
  items.push({ label: vscode.l10n.t('Queue'), kind: vscode.QuickPickItemKind.Separator });
  if (queue.count > 0) {
    items.push({
      label: `$(play) ${vscode.l10n.t('Run Now What the Budget Allows')}`,
      description: r.available > 0 ? vscode.l10n.t('{0} can go now', Math.min(r.available, queue.count)) : vscode.l10n.t('none can go now'),
      action: 'runNow',
    });
    items.push(
      budget.isPaused
        ? { label: `$(debug-start) ${vscode.l10n.t('Resume Queue')}`, description: queue.pausedReason, action: 'resume' }
        : { label: `$(debug-pause) ${vscode.l10n.t('Pause Queue')}`, action: 'pause' },
    );
    items.push({
      label: `$(clear-all) ${vscode.l10n.t('Clear Queue')}`,
      description: vscode.l10n.t('the sessions stay tracked'),
      action: 'clear',
    });
    const finish = queue.finishAt ?? now;
    items.push({
      label: vscode.l10n.t('{0} queued, finishing in {1} (at {2})', queue.count, aboutText(finish, now), clockText(finish, now)),
      kind: vscode.QuickPickItemKind.Separator,
    });
    for (const item of budget.queuedItems(f.key)) {
      const session = services.sessions.store.get(f.integration.id, item.id);
      items.push({
        label: `$(clock) ${idPrefix(item.id)}`,
        description: item.sending ? vscode.l10n.t('deleting now') : vscode.l10n.t('ETA {0} ({1})', shortEta(item.eta, now), clockText(item.eta, now)),
        detail: [session?.label, item.lastError ? vscode.l10n.t('last error: {0}', item.lastError) : undefined].filter(Boolean).join(' · ') || undefined,
        action: 'item',
      });
    }
  } else {
    items.push({ label: `$(check) ${vscode.l10n.t('Nothing queued')}`, action: 'info' });
  }
  const picked = await services.ui.showQuickPick(items, {
    title: vscode.l10n.t('Veriff Delete Budget ({0})', f.integration.name),
    placeHolder: vscode.l10n.t('{0}/{1} left this hour · {2}/{3} left in 24 hours', f.hourShown, r.hourLimit, r.day, r.dayLimit),
  });
  switch (picked?.action) {
    case 'runNow': {
      const run = await budget.runNow();
      void services.ui.showInformationMessage(runText(run, budget.overview(f.key).count));
      return { action: 'runNow', run };
    }
    case 'pause':
      budget.pause();
      return { action: 'pause' };
    case 'resume':
      budget.resume();
      return { action: 'resume' };
    case 'clear': {
      const cleared = budget.clearQueue();
      void services.ui.showInformationMessage(vscode.l10n.t('Cleared {0} queued deletes; the sessions stay tracked.', cleared));
      return { action: 'clear', cleared };
    }
    default:
      return picked ? { action: picked.action } : undefined;
  }
}

function runText(run: RunSummary, left: number): string {
  const parts = [vscode.l10n.t('Delete queue: {0} deleted', run.deleted.length)];
  if (run.gone.length > 0) {
    parts.push(vscode.l10n.t('{0} already gone', run.gone.length));
  }
  if (run.notDeletable.length > 0) {
    parts.push(vscode.l10n.t('{0} not deletable yet', run.notDeletable.length));
  }
  if (run.rateLimited.length > 0) {
    parts.push(vscode.l10n.t('Veriff answered 429'));
  }
  parts.push(vscode.l10n.t('{0} still queued', left));
  return `${parts.join(', ')}.${run.pausedReason ? ` ${vscode.l10n.t('Paused: {0}', run.pausedReason)}` : ''}`;
}
