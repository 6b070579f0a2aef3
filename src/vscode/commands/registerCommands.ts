import * as vscode from 'vscode';
import type { Services } from '../services';
import { settledViewSelection } from '../sessionArgs';
import { removeCredentials } from './credentials/removeCredentials';
import { selectIntegration } from './credentials/selectIntegration';
import { setCredentials, type SetCredentialsArgs } from './credentials/setCredentials';
import { showLog } from './showLog';
import { showBudget } from './budget/showBudget';
import { tidyUp, tidyUpRun } from './sessions/tidyUpSessions';
import { copySessionId } from './sessions/copySessionId';
import { deleteSession } from './sessions/deleteSession';
import { groupSessions } from './sessions/groupSessions';
import { refreshSessions } from './sessions/refreshSessions';
import { untrackSession } from './tracking/untrackSession';
import { copySandboxEnv } from './sandbox/copySandboxEnv';
import { simulateDecision } from './sandbox/simulateDecision';
import { startSandbox } from './sandbox/startSandbox';
import { stopSandbox } from './sandbox/stopSandbox';
import { createTestSession, type CreateTestSessionArgs } from './sessions/createTestSession';
import { trackClipboard } from './tracking/trackClipboard';
import { trackFile } from './tracking/trackFile';
import { trackSelection } from './tracking/trackSelection';
import { trackSessions, type TrackSessionsOptions } from './tracking/trackSessions';
import { trackTerminal } from './tracking/trackTerminal';

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
