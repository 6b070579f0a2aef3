import * as vscode from 'vscode';
import type { Services } from '../services';
import type { CommandId } from './commandBodies';
import { loadCommands } from './loadCommands';
import { registerCommand, type CommandOptions } from './register';

/**
 * The one place that wires command ids to their bodies; `what` names the work in "{what} failed: …".
 * The bodies (dist/commands.js) are loaded when the first command runs.
 */
export function registerCommands(services: Services): vscode.Disposable[] {
  const commands: Array<[id: CommandId, what: string, options?: CommandOptions]> = [
    ['veriff.showLog', vscode.l10n.t('Showing the log')],
    ['veriff.showBudget', vscode.l10n.t('Showing the delete budget')],
    ['veriff.tidyUp', vscode.l10n.t('Tidying up')],
    ['veriff.tidyUpRun', vscode.l10n.t('Tidying up')],
    ['veriff.setCredentials', vscode.l10n.t('Saving Veriff credentials')],
    ['veriff.selectIntegration', vscode.l10n.t('Switching integration')],
    ['veriff.removeCredentials', vscode.l10n.t('Removing Veriff credentials'), { otherwise: false }],
    ['veriff.trackSessions', vscode.l10n.t('Tracking sessions')],
    ['veriff.trackSelection', vscode.l10n.t('Tracking sessions in the selection')],
    ['veriff.trackClipboard', vscode.l10n.t('Tracking sessions from the clipboard')],
    ['veriff.trackFile', vscode.l10n.t('Tracking sessions from a file')],
    ['veriff.trackTerminal', vscode.l10n.t('Tracking sessions from the terminal')],
    ['veriff.createTestSession', vscode.l10n.t('Creating a test session')],
    ['veriff.startSandbox', vscode.l10n.t('Starting the local sandbox')],
    ['veriff.stopSandbox', vscode.l10n.t('Stopping the local sandbox')],
    ['veriff.simulateDecision', vscode.l10n.t('Simulating a decision')],
    ['veriff.copySandboxEnv', vscode.l10n.t('Copying the sandbox environment')],
    ['veriff.refreshSessions', vscode.l10n.t('Refreshing session statuses')],
    ['veriff.deleteSession', vscode.l10n.t('Deleting sessions')],
    ['veriff.untrackSession', vscode.l10n.t('Stopping tracking')],
    ['veriff.copySessionId', vscode.l10n.t('Copying session ids')],
    ['veriff.groupByRun', vscode.l10n.t('Grouping the sessions')],
    ['veriff.groupByStatus', vscode.l10n.t('Grouping the sessions')],
  ];
  return commands.map(([id, what, options]) =>
    registerCommand(services, id, what, (...args: unknown[]) => (loadCommands().commandBodies[id] as (s: Services, ...a: unknown[]) => unknown)(services, ...args), options),
  );
}
