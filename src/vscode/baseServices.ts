import type * as vscode from 'vscode';
import type { Clock } from '../core/clock';
import type { ContextKeys } from './contextKeys';
import type { CredentialStore } from './credentials';
import type { VeriffLog } from './log';
import type { SessionRepository } from './storage/sessionRepository';
import type { TerminalOutputRecorder } from './terminalOutput';
import type { LocalSandbox } from './sandbox/localSandbox';
import type { UserInput } from './userInput';
import type { VeriffAccess } from './veriffAccess';

/**
 * The parts the composition root builds first, which the budget, the status bar and the sessions
 * tree are built from. `Services` adds those; parts built from these never see `Services`, so no
 * import circle runs through it.
 */
export interface BaseServices {
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
}
