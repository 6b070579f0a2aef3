import * as vscode from 'vscode';
import type { Services } from '../services';
import { fromTree, registerCommand, type CommandHandler, type CommandOptions } from './register';
import { showLog } from './showLog';
import { showBudget } from './budget/showBudget';
import { removeCredentials } from './credentials/removeCredentials';
import { selectIntegration } from './credentials/selectIntegration';
import { setCredentials, type SetCredentialsArgs } from './credentials/setCredentials';
import { copySandboxEnv } from './sandbox/copySandboxEnv';
import { simulateDecision } from './sandbox/simulateDecision';
import { startSandbox } from './sandbox/startSandbox';
import { stopSandbox } from './sandbox/stopSandbox';
import { copySessionId } from './sessions/copySessionId';
import { createTestSession, type CreateTestSessionArgs } from './sessions/createTestSession';
import { deleteSession } from './sessions/deleteSession';
import { groupSessions } from './sessions/groupSessions';
import { refreshSessions } from './sessions/refreshSessions';
import { tidyUp, tidyUpRun } from './sessions/tidyUpSessions';
import { trackClipboard } from './tracking/trackClipboard';
import { trackFile } from './tracking/trackFile';
import { trackSelection } from './tracking/trackSelection';
import { trackSessions, type TrackSessionsOptions } from './tracking/trackSessions';
import { trackTerminal } from './tracking/trackTerminal';
import { untrackSession } from './tracking/untrackSession';

/** The one place that wires command ids to their handlers; `what` names the work in "{what} failed: …". */
export function registerCommands(services: Services): vscode.Disposable[] {
  const tree = (handler: CommandHandler) => fromTree(services, handler);
  const commands: Array<[id: string, what: string, handler: CommandHandler, options?: CommandOptions]> = [
    ['veriff.showLog', vscode.l10n.t('Showing the log'), () => showLog(services)],
    ['veriff.showBudget', vscode.l10n.t('Showing the delete budget'), () => showBudget(services)],
    ['veriff.tidyUp', vscode.l10n.t('Tidying up'), () => tidyUp(services)],
    ['veriff.tidyUpRun', vscode.l10n.t('Tidying up'), tree((node, selected) => tidyUpRun(services, node, selected))],
    ['veriff.setCredentials', vscode.l10n.t('Saving Veriff credentials'), (args?: SetCredentialsArgs) => setCredentials(services, args)],
    ['veriff.selectIntegration', vscode.l10n.t('Switching integration'), (nameOrId?: unknown) => selectIntegration(services, nameOrId)],
    ['veriff.removeCredentials', vscode.l10n.t('Removing Veriff credentials'), (nameOrId?: unknown) => removeCredentials(services, nameOrId), { otherwise: false }],
    ['veriff.trackSessions', vscode.l10n.t('Tracking sessions'), (ids?: unknown, options?: TrackSessionsOptions) => trackSessions(services, ids, options)],
    ['veriff.trackSelection', vscode.l10n.t('Tracking sessions in the selection'), () => trackSelection(services)],
    ['veriff.trackClipboard', vscode.l10n.t('Tracking sessions from the clipboard'), () => trackClipboard(services)],
    ['veriff.trackFile', vscode.l10n.t('Tracking sessions from a file'), (uri?: unknown, uris?: unknown) => trackFile(services, uri, uris)],
    ['veriff.trackTerminal', vscode.l10n.t('Tracking sessions from the terminal'), () => trackTerminal(services)],
    ['veriff.createTestSession', vscode.l10n.t('Creating a test session'), (args?: CreateTestSessionArgs) => createTestSession(services, args)],
    ['veriff.startSandbox', vscode.l10n.t('Starting the local sandbox'), () => startSandbox(services)],
    ['veriff.stopSandbox', vscode.l10n.t('Stopping the local sandbox'), () => stopSandbox(services)],
    [
      'veriff.simulateDecision',
      vscode.l10n.t('Simulating a decision'),
      tree((target, selectionOrStatus) => simulateDecision(services, target, selectionOrStatus)),
    ],
    ['veriff.copySandboxEnv', vscode.l10n.t('Copying the sandbox environment'), () => copySandboxEnv(services)],
    [
      'veriff.refreshSessions',
      vscode.l10n.t('Refreshing session statuses'),
      tree((arg, selected, signal) => refreshSessions(services, arg, selected, signal instanceof AbortSignal ? signal : undefined)),
    ],
    ['veriff.deleteSession', vscode.l10n.t('Deleting sessions'), tree((arg, selected) => deleteSession(services, arg, selected))],
    ['veriff.untrackSession', vscode.l10n.t('Stopping tracking'), tree((arg, selected) => untrackSession(services, arg, selected))],
    ['veriff.copySessionId', vscode.l10n.t('Copying session ids'), tree((arg, selected) => copySessionId(services, arg, selected))],
    ['veriff.groupByRun', vscode.l10n.t('Grouping the sessions'), () => groupSessions(services, 'run')],
    ['veriff.groupByStatus', vscode.l10n.t('Grouping the sessions'), () => groupSessions(services, 'status')],
  ];
  return commands.map(([id, what, handler, options]) => registerCommand(services, id, what, handler, options));
}
