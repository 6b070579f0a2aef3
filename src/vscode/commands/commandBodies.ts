// Entry of dist/commands.js: what every command does. Loaded on the first command run through
// loadCommands.ts; registerCommands.ts registers thin handlers that call into it, so activation
// pays for none of it.
import type { Services } from '../services';
import { fromTree } from './fromTree';
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

type Body = (services: Services, ...args: any[]) => unknown;
type TreeBody = (services: Services, arg?: unknown, selected?: unknown, ...rest: unknown[]) => unknown;

/** A tree command's body: it gets the clicked row and the selection, or the view's selection when called bare. */
const tree =
  (body: TreeBody): Body =>
  (services, ...args: unknown[]) =>
    fromTree(services, (arg, selected, ...rest) => body(services, arg, selected, ...rest))(...args);

/** Every command's body by id; `registerCommands.ts` names the work and registers the ids. */
export const commandBodies = {
  'veriff.showLog': (services) => showLog(services),
  'veriff.showBudget': (services) => showBudget(services),
  'veriff.tidyUp': (services) => tidyUp(services),
  'veriff.tidyUpRun': tree((services, node, selected) => tidyUpRun(services, node, selected)),
  'veriff.setCredentials': (services, args?: SetCredentialsArgs) => setCredentials(services, args),
  'veriff.selectIntegration': (services, nameOrId?: unknown) => selectIntegration(services, nameOrId),
  'veriff.removeCredentials': (services, nameOrId?: unknown) => removeCredentials(services, nameOrId),
  'veriff.trackSessions': (services, ids?: unknown, options?: TrackSessionsOptions) => trackSessions(services, ids, options),
  'veriff.trackSelection': (services) => trackSelection(services),
  'veriff.trackClipboard': (services) => trackClipboard(services),
  'veriff.trackFile': (services, uri?: unknown, uris?: unknown) => trackFile(services, uri, uris),
  'veriff.trackTerminal': (services) => trackTerminal(services),
  'veriff.createTestSession': (services, args?: CreateTestSessionArgs) => createTestSession(services, args),
  'veriff.startSandbox': (services) => startSandbox(services),
  'veriff.stopSandbox': (services) => stopSandbox(services),
  'veriff.simulateDecision': tree((services, target, selectionOrStatus) => simulateDecision(services, target, selectionOrStatus)),
  'veriff.copySandboxEnv': (services) => copySandboxEnv(services),
  'veriff.refreshSessions': tree((services, arg, selected, signal) => refreshSessions(services, arg, selected, signal instanceof AbortSignal ? signal : undefined)),
  'veriff.deleteSession': tree((services, arg, selected) => deleteSession(services, arg, selected)),
  'veriff.untrackSession': tree((services, arg, selected) => untrackSession(services, arg, selected)),
  'veriff.copySessionId': tree((services, arg, selected) => copySessionId(services, arg, selected)),
  'veriff.groupByRun': (services) => groupSessions(services, 'run'),
  'veriff.groupByStatus': (services) => groupSessions(services, 'status'),
} satisfies Record<string, Body>;

export type CommandId = keyof typeof commandBodies;

export { showInputStep, showQuickPickWithTyped } from '../quickInputs';
