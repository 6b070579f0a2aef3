import * as vscode from 'vscode';
import type { SessionStoreChange } from '../core/sessions';
import { loadTrackingPart } from './loadTrackingPart';
import type { Services } from './services';
import { settings } from './settings';
import type { RunStart } from './runLabel';
import type { Run, TidyUpOffer } from './tidyUpOffer';


/** What the offer needs of the tracking-file watcher: read what was appended, now. */
export interface AppendedReader {
  readNow(): Promise<void>;
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
      vscode.tasks.onDidStartTaskProcess((e) => this.begin(e.execution, { task: e.execution.task })),
      vscode.tasks.onDidEndTaskProcess((e) => void this.end(e.execution)),
      services.sessions.store.onDidChange((change) => this.noteAdded(change)),
    );
    if (window.onDidStartTerminalShellExecution && window.onDidEndTerminalShellExecution) {
      this.subscriptions.push(
        window.onDidStartTerminalShellExecution((e) => {
          // A task's terminal reports the task's own run as a shell execution: the task's events count.
          if (!isTaskTerminal(e.terminal, e.execution.commandLine.value)) {
            this.begin(e.execution, { commandLine: e.execution.commandLine.value, terminalName: e.terminal.name });
          }
        }),
        window.onDidEndTerminalShellExecution((e) => void this.end(e.execution)),
      );
    }
  }

  /** The run's label is made only when it is shown (runLabel.ts, with the offer in dist/tracking.js). */
  private begin(key: object, start: RunStart): void {
    this.runs.set(key, { start, added: new Map() });
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
      this.services.log.warn(`After "${loadTrackingPart().runLabel(run.start)}": reading the tracking files failed: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      this.runs.delete(key);
    }
    if (!settings.offerTidyUpAfterTestRun()) {
      return;
    }
    if (run.added.size === 0) {
      return; // nothing came from the tracking file: the tracking part need not load
    }
    const tracking = loadTrackingPart();
    const offer = await tracking.describeOffer(this.services, run, this.offeredSessions);
    if (offer) {
      this.offered.fire(offer.offer);
      tracking.showOffer(this.services, offer.offer, offer.target);
    }
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
