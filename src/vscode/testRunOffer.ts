import * as vscode from 'vscode';
import { commandLineLabel, RUN_LABEL_MAX_LENGTH } from '../core/commandLabel';
import { pluralCategory } from '../core/relativeTime';
import type { SessionStoreChange, TrackedSession } from '../core/sessions';
import { isDeletableStatus } from '../core/status';
import { apiKeyFingerprint } from './credentials';
import type { GroupNode } from './sessionArgs';
import type { Services } from './services';
import { settings } from './settings';

/** What the offer needs of the tracking-file watcher: read what was appended, now. */
export interface AppendedReader {
  readNow(): Promise<void>;
}

interface Run {
  readonly label: string;
  /** Sessions added to the store while the run went, per integration. */
  readonly added: Map<string, Set<string>>;
}

/** What one offer said, for tests and the log. */
export interface TidyUpOffer {
  readonly label: string;
  readonly left: number;
  readonly deletableNow: number;
  readonly runs: readonly string[];
  readonly message: string;
}

/**
 * "Tidy up?" when a test run ends: when a task's process or a terminal command (shell integration)
 * ends and the tracking file added sessions while it ran, one notification: "`npm test` left 12
 * Veriff sessions (8 deletable now)" with Tidy Up This Run / Not now / Don't ask again (setting
 * veriff.offerTidyUpAfterTestRun). Never during the run: the tracking file is read to the end
 * first. Shown, never awaited.
 */
export class TestRunOffer implements vscode.Disposable {
  private readonly runs = new Map<object, Run>();
  /** `integrationId/id` of every session already offered: a session is offered once, whichever run saw it. */
  private readonly offeredSessions = new Set<string>();
  private readonly subscriptions: vscode.Disposable[] = [];
  private readonly offered = new vscode.EventEmitter<TidyUpOffer>();
  /** Fires when an offer is shown (tests). */
  readonly onDidOffer = this.offered.event;

  constructor(
    private readonly services: Services,
    private readonly trackingFiles: AppendedReader,
  ) {
    const window = vscode.window as Partial<typeof vscode.window>;
    this.subscriptions.push(
      this.offered,
      vscode.tasks.onDidStartTaskProcess((e) => this.begin(e.execution, taskLabel(e.execution.task))),
      vscode.tasks.onDidEndTaskProcess((e) => void this.end(e.execution)),
      services.sessions.store.onDidChange((change) => this.noteAdded(change)),
    );
    if (window.onDidStartTerminalShellExecution && window.onDidEndTerminalShellExecution) {
      this.subscriptions.push(
        window.onDidStartTerminalShellExecution((e) => {
          // A task's terminal reports the task's own run as a shell execution: the task's events count.
          if (!isTaskTerminal(e.terminal, e.execution.commandLine.value)) {
            this.begin(e.execution, commandLineLabel(e.execution.commandLine.value, RUN_LABEL_MAX_LENGTH) ?? e.terminal.name);
          }
        }),
        window.onDidEndTerminalShellExecution((e) => void this.end(e.execution)),
      );
    }
  }

  private begin(key: object, label: string): void {
    this.runs.set(key, { label, added: new Map() });
  }

  private noteAdded(change: SessionStoreChange): void {
    if (change.kind !== 'added' || this.runs.size === 0) {
      return;
    }
    for (const run of this.runs.values()) {
      let ids = run.added.get(change.integrationId);
      if (!ids) {
        ids = new Set();
        run.added.set(change.integrationId, ids);
      }
      for (const id of change.ids) {
        ids.add(id);
      }
    }
  }

  private async end(key: object): Promise<void> {
    const run = this.runs.get(key);
    if (!run) {
      return;
    }
    try {
      // File events can lag behind the process: what the run appended is read before it counts.
      await this.trackingFiles.readNow();
    } catch (err) {
      this.services.log.warn(`After "${run.label}": reading the tracking files failed: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      this.runs.delete(key);
    }
    if (!settings.offerTidyUpAfterTestRun()) {
      return;
    }
    const offer = await this.describe(run);
    if (offer) {
      this.show(offer.offer, offer.target);
    }
  }

  /**
   * The sessions the run left (added from the tracking file, still tracked, not offered before), and
   * what one click would tidy. They count as offered from here on (before any await, so two runs
   * ending together cannot both offer them).
   */
  private async describe(run: Run): Promise<{ offer: TidyUpOffer; target: GroupNode | undefined } | undefined> {
    const store = this.services.sessions.store;
    const left = new Map<string, TrackedSession[]>();
    for (const [integrationId, ids] of run.added) {
      const sessions = [...ids]
        .map((id) => store.get(integrationId, id))
        .filter((s): s is TrackedSession => s !== undefined && s.source === 'trackingFile' && !this.offeredSessions.has(`${integrationId}/${s.id}`));
      if (sessions.length > 0) {
        left.set(integrationId, sessions);
        sessions.forEach((s) => this.offeredSessions.add(`${integrationId}/${s.id}`));
      }
    }
    if (left.size === 0) {
      return undefined;
    }
    let total = 0;
    let deletableNow = 0;
    const runs = new Map<string, { integrationId: string }>();
    for (const [integrationId, sessions] of left) {
      total += sessions.length;
      for (const s of sessions) {
        runs.set(`${integrationId}\n${s.label}`, { integrationId });
      }
      const deletable = sessions.filter((s) => isDeletableStatus(s.status)).length;
      deletableNow += Math.min(deletable, await this.availableNow(integrationId, deletable));
    }
    const locale = vscode.env.language;
    const message =
      pluralCategory(total, locale) === 'one'
        ? vscode.l10n.t('`{0}` left 1 Veriff session ({1} deletable now).', run.label, deletableNow)
        : vscode.l10n.t('`{0}` left {1} Veriff sessions ({2} deletable now).', run.label, total, deletableNow);
    const labels = [...runs.keys()].map((k) => k.split('\n')[1]);
    let target: GroupNode | undefined;
    if (runs.size === 1) {
      const [[k, { integrationId }]] = [...runs];
      target = { kind: 'group', by: 'run', key: k.split('\n')[1], integrationId, sessions: [] };
    }
    return { offer: { label: run.label, left: total, deletableNow, runs: labels, message }, target };
  }

  /** How many deletes the budget of the integration's API key allows right now (0 when its secrets cannot be read). */
  private async availableNow(integrationId: string, wanted: number): Promise<number> {
    const integration = this.services.credentials.list().find((i) => i.id === integrationId);
    const secrets = integration ? await this.services.credentials.getSecrets(integration).catch(() => undefined) : undefined;
    const budget = this.services.budgetService;
    if (!secrets || !budget) {
      return 0;
    }
    return budget.preview(apiKeyFingerprint(secrets.apiKey), wanted).available;
  }

  private show(offer: TidyUpOffer, target: GroupNode | undefined): void {
    this.services.log.info(`After "${offer.label}": ${offer.left} session(s) left from the tracking file (runs: ${offer.runs.join(', ')}), ${offer.deletableNow} deletable now; offering a tidy-up`);
    const tidy = vscode.l10n.t('Tidy Up This Run');
    const notNow = vscode.l10n.t('Not now');
    const never = vscode.l10n.t("Don't ask again");
    this.offered.fire(offer);
    void this.services.ui.showInformationMessage(offer.message, tidy, notNow, never).then(async (choice) => {
      if (choice === tidy) {
        // The run's group when all came with one run label; else the command asks which run.
        await vscode.commands.executeCommand('veriff.tidyUpRun', ...(target ? [target] : []));
      } else if (choice === never) {
        await vscode.workspace.getConfiguration('veriff').update('offerTidyUpAfterTestRun', false, vscode.ConfigurationTarget.Global);
        this.services.log.info('Tidy-up offers after test runs turned off (veriff.offerTidyUpAfterTestRun)');
      }
    });
  }

  dispose(): void {
    for (const s of this.subscriptions) {
      s.dispose();
    }
    this.runs.clear();
  }
}

/** Whether a terminal runs a task (VS Code echoes "* Executing task: …" as the execution's command line there). */
function isTaskTerminal(terminal: vscode.Terminal, commandLine: string): boolean {
  if (/^\s*\* Executing task/.test(commandLine)) {
    return true;
  }
  return vscode.tasks.taskExecutions.some((t) => terminal.name === t.task.name || terminal.name === `Task - ${t.task.name}`);
}

/** A task as people name it: its shell command line when it has one ("npm test"), else its name. */
function taskLabel(task: vscode.Task): string {
  const execution = task.execution;
  if (execution instanceof vscode.ShellExecution) {
    const line = execution.commandLine ?? [typeof execution.command === 'string' ? execution.command : execution.command?.value, ...(execution.args ?? []).map((a) => (typeof a === 'string' ? a : a.value))].filter(Boolean).join(' ');
    const label = commandLineLabel(line, RUN_LABEL_MAX_LENGTH);
    if (label) {
      return label;
    }
  }
  return task.source && task.source !== 'Workspace' ? `${task.source}: ${task.name}` : task.name;
}
