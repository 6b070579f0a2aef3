import * as vscode from 'vscode';
import type { Services } from '../services';
import { removeCredentials } from './removeCredentials';
import { selectIntegration } from './selectIntegration';
import { setCredentials, type SetCredentialsArgs } from './setCredentials';
import { showLog } from './showLog';
import { showBudget } from './showBudget';
import { tidyUp, tidyUpRun } from './tidyUp';
import { copySessionId } from './copySessionId';
import { deleteSession } from './deleteSession';
import { groupSessions } from './groupSessions';
import { refreshSessions } from './refreshSessions';
import { untrackSession } from './untrackSession';
import { copySandboxEnv } from './copySandboxEnv';
import { simulateDecision } from './simulateDecision';
import { startSandbox } from './startSandbox';
import { stopSandbox } from './stopSandbox';
import { createTestSession, type CreateTestSessionArgs } from './createTestSession';
import { trackClipboard } from './trackClipboard';
import { trackFile } from './trackFile';
import { trackSelection } from './trackSelection';
import { trackSessions, type TrackSessionsOptions } from './trackSessions';
import { trackTerminal } from './trackTerminal';

/** The one place that wires command ids to their handlers. */
export function registerCommands(services: Services): vscode.Disposable[] {
  const commands: Record<string, (...args: any[]) => unknown> = {
    'veriff.showLog': () => showLog(services),
    'veriff.showBudget': () => showBudget(services),
    'veriff.tidyUp': () => tidyUp(services),
    'veriff.tidyUpRun': (node?: unknown) => tidyUpRun(services, node),
    'veriff.setCredentials': (args?: SetCredentialsArgs) => setCredentials(services, args),
    'veriff.selectIntegration': (nameOrId?: unknown) => selectIntegration(services, nameOrId),
    'veriff.removeCredentials': (nameOrId?: unknown) => removeCredentials(services, nameOrId),
    'veriff.trackSessions': (ids?: unknown, options?: TrackSessionsOptions) => trackSessions(services, ids, options),
    'veriff.trackSelection': () => trackSelection(services),
    'veriff.trackClipboard': () => trackClipboard(services),
    'veriff.trackFile': (uri?: unknown, uris?: unknown) => trackFile(services, uri, uris),
    'veriff.trackTerminal': () => trackTerminal(services),
    'veriff.createTestSession': (args?: CreateTestSessionArgs) => createTestSession(services, args),
    'veriff.startSandbox': () => startSandbox(services),
    'veriff.stopSandbox': () => stopSandbox(services),
    'veriff.simulateDecision': (target?: unknown, selectionOrStatus?: unknown) => simulateDecision(services, target, selectionOrStatus),
    'veriff.copySandboxEnv': () => copySandboxEnv(services),
    'veriff.refreshSessions': (arg?: unknown, selected?: unknown, signal?: unknown) =>
      refreshSessions(services, arg, selected, signal instanceof AbortSignal ? signal : undefined),
    'veriff.deleteSession': (arg?: unknown, selected?: unknown) => deleteSession(services, arg, selected),
    'veriff.untrackSession': (arg?: unknown, selected?: unknown) => untrackSession(services, arg, selected),
    'veriff.copySessionId': (arg?: unknown, selected?: unknown) => copySessionId(services, arg, selected),
    'veriff.groupByRun': () => groupSessions(services, 'run'),
    'veriff.groupByStatus': () => groupSessions(services, 'status'),
  };
  return Object.entries(commands).map(([id, handler]) => vscode.commands.registerCommand(id, handler));
}
