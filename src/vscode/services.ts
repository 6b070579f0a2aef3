import type * as vscode from 'vscode';
import type { Clock } from '../core/clock';
import type { BudgetService, DeleteQueueView } from './budget/budgetService';
import type { BudgetStatusBar } from './budgetStatusBar';
import type { ContextKeys } from './contextKeys';
import type { CredentialStore } from './credentials';
import type { DeletePipeline } from '../core/deletePipeline';
import type { VeriffLog } from './log';
import type { SessionRepository } from './sessionRepository';
import type { SessionTreeProvider } from './sessionTree';
import type { TerminalOutputRecorder } from './terminalOutput';
import type { LocalSandbox } from './sandbox/localSandbox';
import type { UserInput } from './userInput';
import type { VeriffAccess } from './veriffAccess';

/** What the composition root builds once and hands to every command. */
export interface Services {
  readonly context: vscode.ExtensionContext;
  readonly log: VeriffLog;
  readonly credentials: CredentialStore;
  readonly access: VeriffAccess;
  readonly sessions: SessionRepository;
  readonly clock: Clock;
  /** Swappable so extension-host tests can script prompts. */
  ui: UserInput;
  /** Output of the last finished command per terminal (shell integration), for "Track from Terminal". */
  readonly terminalOutput: TerminalOutputRecorder;
  /** The built-in local Veriff sandbox ("Start Local Sandbox"). */
  readonly sandbox: LocalSandbox;
  /** The extension's context keys for `when` clauses, with the values last set. */
  readonly contextKeys: ContextKeys;
  /** The one path every DELETE takes (budget reservation → send → classify → record → log). */
  readonly pipeline: DeletePipeline;
  /** The delete budget and queue shared by all windows (implements `budget`); tests swap its clock and timers with `reload`. */
  budgetService?: BudgetService;
  /** Read-only view of the delete queue (queued rows show their ETA). */
  deleteQueue?: DeleteQueueView;
  /** The budget's status-bar item; `snapshot()` for tests. */
  budgetStatusBar?: BudgetStatusBar;
  /** The sessions view's data (set once the view exists). */
  sessionTree?: SessionTreeProvider;
}
