import * as vscode from 'vscode';
import type { BudgetRemaining } from '../../core/budget';
import { budgetLook } from '../../core/budgetLook';
import type { BudgetProblem } from '../../core/budgetProblem';
import type { BudgetService } from './budgetService';
import type { QueueOverview } from './queueView';
import { aboutText, clockText, escapeMarkdown, whenText } from './budgetText';
import type { Integration } from '../credentials';
import type { BaseServices } from '../baseServices';

export const STATUS_BAR_ITEM_ID = 'veriff.deleteBudget';
export const SHOW_BUDGET_COMMAND = 'veriff.showBudget';

/** What the status-bar item shows, for tests. */
export interface BudgetStatusSnapshot {
  visible: boolean;
  text: string;
  /** The tooltip as plain text, one line per fact. */
  tooltip: string;
  /** The tooltip's markdown as rendered. */
  tooltipMarkdown: string;
  /** Theme colour id of the background, if any. */
  backgroundColor?: string;
  accessibilityLabel: string;
  command?: string;
  integration?: string;
}

/** The figures behind the item, computed once per render. */
export interface BudgetFigures {
  integration: Integration;
  key: string;
  remaining: BudgetRemaining;
  /** Deletes left this hour as shown: none while Veriff's 429 blocks the integration. */
  hourShown: number;
  queue: QueueOverview;
  /** Queued deletes of other integrations. */
  otherQueued: number;
  now: number;
}

/** The sentences for problems the user must fix (budgetProblemText.ts, in dist/veriff.js: a problem comes from Veriff's answer, or from credentials that cannot be read). */
export interface ProblemTexts {
  problemText(problem: BudgetProblem, integrationName: string): string;
  /** The tooltip while the active integration's secrets cannot be read, as markdown and as plain text, and the problem's sentence. */
  unreadableTooltip(integrationName: string): { markdown: vscode.MarkdownString; plain: string; problem: string };
}

/**
 * The delete budget of the active integration in the status bar: `$(trash) 3/5 · 8/10` (left
 * this hour / limit · left in 24 hours / limit), ` $(history) 14:05` while no delete is left (when
 * the next one may go; warning colour) and ` $(clock) 4 queued` while deletes wait. The error
 * colour only for what the user must fix: credentials that cannot be read or are refused, session
 * deletion not enabled (403, code 1301). Re-rendered on every spend, answer, queue change and
 * credential change, and by one timer set for when the next slot frees (never a poll).
 */
export class BudgetStatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private visible = false;
  private active: { integration: Integration; key: string } | undefined;
  /** The active integration whose secrets could not be read. */
  private unreadable: Integration | undefined;
  /** Problems the user must fix, per budget key, from Veriff's answers to DELETEs. */
  private readonly problems = new Map<string, BudgetProblem>();
  private timer: { handle: unknown; at: number; timers: BudgetService['time']['timers'] } | undefined;
  private resolving: Promise<void> = Promise.resolve();
  private readonly disposables: vscode.Disposable[] = [];
  /** Renders so far (tests check that nothing polls). */
  renderCount = 0;
  private tooltipText = '';

  constructor(
    private readonly services: BaseServices,
    private readonly budget: BudgetService,
    private readonly texts: () => ProblemTexts,
  ) {
    this.item = vscode.window.createStatusBarItem(STATUS_BAR_ITEM_ID, vscode.StatusBarAlignment.Left, 20);
    this.item.name = vscode.l10n.t('Veriff Delete Budget');
    this.item.command = SHOW_BUDGET_COMMAND;
    this.disposables.push(
      this.item,
      budget.onDidChange(() => this.render()),
      services.credentials.onDidChange(() => void this.refreshActive()),
    );
    void this.refreshActive();
  }

  /** Finds the active integration's budget key again (credentials changed), then renders. */
  refreshActive(): Promise<void> {
    this.resolving = this.resolving.then(async () => {
      const integration = this.services.credentials.active();
      let key: string | undefined;
      if (integration) {
        try {
          key = await this.budget.resolver.keyOf(integration.id);
        } catch (error) {
          this.services.log.warn(`Delete budget status: could not read the credentials: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
      this.active = integration && key ? { integration, key } : undefined;
      this.unreadable = integration && !key ? integration : undefined;
      // New credentials: what Veriff said about the old ones no longer holds.
      this.problems.clear();
      this.render();
    });
    return this.resolving;
  }

  /** Resolves once the item shows the current credentials. */
  whenReady(): Promise<void> {
    return this.resolving;
  }

  figures(): BudgetFigures | undefined {
    if (!this.active) {
      return undefined;
    }
    const { integration, key } = this.active;
    const remaining = this.budget.remaining(key);
    const queue = this.budget.overview(key);
    return {
      integration,
      key,
      remaining,
      hourShown: remaining.blockedUntil !== undefined ? 0 : remaining.hour,
      queue,
      otherQueued: this.budget.queue.size - queue.count,
      now: this.budget.now(),
    };
  }

  /** What a DELETE's answer said (problemOfDeleteResult, from the pipeline): notes or clears a problem the user must fix. */
  noteProblem(key: string, problem: BudgetProblem | null | undefined): void {
    if (problem === undefined || (problem === null && !this.problems.has(key))) {
      return;
    }
    if (problem === null) {
      this.problems.delete(key);
    } else {
      this.problems.set(key, problem);
    }
    this.render();
  }

  render(): void {
    this.renderCount++;
    const f = this.figures();
    if (!f) {
      this.clearTimer();
      if (this.unreadable) {
        this.renderUnreadable(this.unreadable);
      } else if (this.visible) {
        this.item.hide();
        this.visible = false;
      }
      return;
    }
    const { remaining: r, queue } = f;
    const problem = this.problems.get(f.key);
    const look = budgetLook(r, problem);
    let text = `$(trash) ${f.hourShown}/${r.hourLimit} · ${r.day}/${r.dayLimit}`;
    if (problem) {
      text += ' $(error)';
    } else if (look.nextAt !== undefined) {
      text += ` $(history) ${clockText(look.nextAt, f.now)}`;
    }
    if (queue.count > 0) {
      text += ` $(clock) ${vscode.l10n.t('{0} queued', queue.count)}`;
    }
    this.item.text = text;
    this.item.tooltip = this.tooltip(f, problem);
    this.item.command = SHOW_BUDGET_COMMAND;
    this.item.backgroundColor =
      look.tone === 'error'
        ? new vscode.ThemeColor('statusBarItem.errorBackground')
        : look.tone === 'warning'
          ? new vscode.ThemeColor('statusBarItem.warningBackground')
          : undefined;
    const queued = queue.count > 0 ? vscode.l10n.t(', {0} deletes queued', queue.count) : '';
    const next = look.nextAt !== undefined && !problem ? vscode.l10n.t(', the next delete may go at {0}', clockText(look.nextAt, f.now)) : '';
    const trouble = problem ? `. ${this.texts().problemText(problem, f.integration.name)}` : '';
    this.item.accessibilityInformation = {
      label:
        vscode.l10n.t(
          'Veriff delete budget for {0}: {1} of {2} deletes left this hour, {3} of {4} left in 24 hours{5}',
          f.integration.name,
          f.hourShown,
          r.hourLimit,
          r.day,
          r.dayLimit,
          `${next}${queued}`,
        ) + trouble,
      role: 'button',
    };
    this.show();
    this.arm(r.blockedUntil ?? r.nextFreeAt);
  }

  /** The active integration's secrets cannot be read: nothing can be deleted until the user sets them again. */
  private renderUnreadable(integration: Integration): void {
    const tip = this.texts().unreadableTooltip(integration.name);
    this.item.text = `$(trash) $(error) ${vscode.l10n.t('Veriff credentials')}`;
    this.item.tooltip = tip.markdown;
    this.tooltipText = tip.plain;
    this.item.command = 'veriff.setCredentials';
    this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
    this.item.accessibilityInformation = { label: tip.problem, role: 'button' };
    this.show();
  }

  private show(): void {
    if (!this.visible) {
      this.item.show();
      this.visible = true;
    }
  }

  private tooltip(f: BudgetFigures, problem: BudgetProblem | undefined): vscode.MarkdownString {
    const { remaining: r, queue, now } = f;
    const md = new vscode.MarkdownString(undefined, true);
    const plain: string[] = [];
    md.appendMarkdown(`**${vscode.l10n.t('Veriff delete budget')}** — ${escapeMarkdown(f.integration.name)}\n\n`);
    plain.push(`${vscode.l10n.t('Veriff delete budget')} — ${f.integration.name}`);
    const line = (icon: string, text: string): void => {
      md.appendMarkdown(`$(${icon}) ${escapeMarkdown(text)}  \n`);
      plain.push(text);
    };
    if (problem) {
      line('error', this.texts().problemText(problem, f.integration.name));
    }
    line('watch', vscode.l10n.t('This hour: {0} of {1} deletes left', f.hourShown, r.hourLimit));
    line('calendar', vscode.l10n.t('Last 24 hours: {0} of {1} deletes left', r.day, r.dayLimit));
    if (r.blockedUntil !== undefined) {
      line('error', vscode.l10n.t('Veriff answered 429 (too many requests): no delete is sent before {0}', clockText(r.blockedUntil, now)));
    }
    if (r.available === 0 && r.nextFreeAt !== undefined) {
      line('history', vscode.l10n.t('The next delete frees {0}', whenText(r.nextFreeAt, now)));
    } else if (r.nextFreeAt !== undefined) {
      line('history', vscode.l10n.t('Another delete frees {0}', whenText(r.nextFreeAt, now)));
    } else {
      line('check', vscode.l10n.t('The whole budget is free'));
    }
    if (queue.count > 0) {
      const finish = queue.finishAt ?? now;
      line(
        'clock',
        queue.count === 1
          ? vscode.l10n.t('1 delete queued, going {0}', whenText(finish, now))
          : vscode.l10n.t('{0} deletes queued, finishing in {1} (at {2})', queue.count, aboutText(finish, now), clockText(finish, now)),
      );
      if (queue.pausedReason !== undefined) {
        line('debug-pause', vscode.l10n.t('The queue is paused: {0}', queue.pausedReason));
      } else if (queue.manualOnly) {
        line('info', vscode.l10n.t('Queued deletes are sent only by "Run Now" (setting veriff.continueQueueAutomatically is off)'));
      } else if (queue.worker === 'otherWindow') {
        line('window', vscode.l10n.t('Another VS Code window sends the queued deletes'));
      }
    } else {
      line('clock', vscode.l10n.t('Nothing queued'));
    }
    if (f.otherQueued > 0) {
      line('layers', vscode.l10n.t('{0} more queued for other integrations', f.otherQueued));
    }
    md.appendMarkdown(`\n${vscode.l10n.t('Click for details and the queue.')}`);
    plain.push(vscode.l10n.t('Click for details and the queue.'));
    this.tooltipText = plain.join('\n');
    return md;
  }

  /** One timer, for the moment the figures next change by themselves. */
  private arm(at: number | undefined): void {
    const timers = this.budget.time.timers;
    if (this.timer && this.timer.at === at && this.timer.timers === timers) {
      return;
    }
    this.clearTimer();
    if (at === undefined) {
      return;
    }
    const delay = Math.min(Math.max(0, at - this.budget.now()), 2 ** 31 - 1);
    const handle = timers.setTimeout(() => {
      this.timer = undefined;
      this.render();
    }, delay);
    this.timer = { handle, at, timers };
  }

  private clearTimer(): void {
    if (this.timer) {
      this.timer.timers.clearTimeout(this.timer.handle);
      this.timer = undefined;
    }
  }

  /** Whether a re-render timer is armed, and for when (tests: one timer, no poll). */
  get timerAt(): number | undefined {
    return this.timer?.at;
  }

  snapshot(): BudgetStatusSnapshot {
    const bg = this.item.backgroundColor as vscode.ThemeColor | undefined;
    const tooltip = this.item.tooltip;
    return {
      visible: this.visible,
      text: this.visible ? this.item.text : '',
      tooltip: this.visible ? this.tooltipText : '',
      tooltipMarkdown: typeof tooltip === 'string' ? tooltip : (tooltip?.value ?? ''),
      ...(bg ? { backgroundColor: bg.id } : {}),
      accessibilityLabel: this.item.accessibilityInformation?.label ?? '',
      ...(typeof this.item.command === 'string' ? { command: this.item.command } : {}),
      ...(this.active ? { integration: this.active.integration.name } : {}),
    };
  }

  dispose(): void {
    this.clearTimer();
    for (const d of this.disposables) {
      d.dispose();
    }
  }
}
