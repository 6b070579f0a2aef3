import * as vscode from 'vscode';
import type { Services } from '../services';
import { settledViewSelection } from '../sessionArgs';
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

type TreeHandler = (arg?: unknown, selected?: unknown, ...rest: unknown[]) => unknown;

/**
 * A tree command: with no node of its own (bare, or the Delete key's marker) it gets the view's
 * selection as a context menu would pass it, once the extension host knows the selected rows.
 * Calls that name their sessions go straight through (synchronously: a double click's claim).
 */
function fromTree(services: Services, handler: TreeHandler): TreeHandler {
  return (arg, selected, ...rest) => {
    const pending = settledViewSelection(services, arg, selected);
    if (!pending) {
      return handler(arg, selected, ...rest);
    }
    return pending.then((nodes) =>
      nodes === undefined ? handler(undefined, undefined, ...rest) : nodes.length > 0 ? handler(nodes[0], nodes, ...rest) : handler(undefined, [], ...rest),
    );
  };
}

/** The one place that wires command ids to their handlers. */
export function registerCommands(services: Services): vscode.Disposable[] {
  const tree = (handler: TreeHandler) => fromTree(services, handler);
  const commands: Record<string, (...args: any[]) => unknown> = {
    'veriff.showLog': () => showLog(services),
    'veriff.showBudget': () => showBudget(services),
    'veriff.tidyUp': () => tidyUp(services),
    'veriff.tidyUpRun': tree((node, selected) => tidyUpRun(services, node, selected)),
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
    'veriff.simulateDecision': tree((target, selectionOrStatus) => simulateDecision(services, target, selectionOrStatus)),
    'veriff.copySandboxEnv': () => copySandboxEnv(services),
    'veriff.refreshSessions': tree((arg, selected, signal) => refreshSessions(services, arg, selected, signal instanceof AbortSignal ? signal : undefined)),
    'veriff.deleteSession': tree((arg, selected) => deleteSession(services, arg, selected)),
    'veriff.untrackSession': tree((arg, selected) => untrackSession(services, arg, selected)),
    'veriff.copySessionId': tree((arg, selected) => copySessionId(services, arg, selected)),
    'veriff.groupByRun': () => groupSessions(services, 'run'),
    'veriff.groupByStatus': () => groupSessions(services, 'status'),
  };
  return Object.entries(commands).map(([id, handler]) => vscode.commands.registerCommand(id, handler));
}
