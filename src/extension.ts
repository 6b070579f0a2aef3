import * as vscode from 'vscode';
import { registerCommands } from './vscode/commands/registerCommands';
import { systemClock } from './core/clock';
import { CredentialStore } from './vscode/credentials';
import { VeriffLog } from './vscode/log';
import type { BaseServices } from './vscode/baseServices';
import type { Services } from './vscode/services';
import { SessionRepository } from './vscode/storage/sessionRepository';
import { openSharedStore } from './vscode/storage/sharedStorage';
import { vscodeUserInput } from './vscode/userInput';
import { VeriffAccess } from './vscode/veriffAccess';
import { AutoRefresher } from './vscode/autoRefresher';
import { SessionTreeProvider } from './vscode/sessionTree';
import { registerSessionsView } from './vscode/sessionsView';
import type { LocalSandbox } from './vscode/sandbox/localSandbox';
import { isSandboxPartLoaded, loadSandboxPart } from './vscode/sandbox/loadSandboxPart';
import { sandboxWorkAtStart } from './vscode/sandbox/sandboxAtStart';
import { guard } from './vscode/failures';
import type { DeletePipeline } from './core/deletePipeline';
import { isUndiciLoaded, isVeriffPartLoaded, loadVeriffPart } from './vscode/loadVeriffPart';
import { commandsLoad, loadCommands } from './vscode/commands/loadCommands';
import { isTrackingPartLoaded } from './vscode/loadTrackingPart';
import { buildSessionsApi, type SessionsApi } from './vscode/extensionApi';
import { ContextKeys, trackCredentialsContext, trackSessionCountContext } from './vscode/contextKeys';
import { TerminalOutputRecorder } from './vscode/terminalOutput';
import { TrackingFileWatcher } from './vscode/trackingFileWatcher';
import { TestRunOffer } from './vscode/testRunOffer';
import { BudgetService } from './vscode/budget/budgetService';
import { BudgetTimeSource } from './vscode/budget/budgetTime';
import { BudgetStatusBar } from './vscode/budget/budgetStatusBar';
import { isSandboxLoaded } from './vscode/sandbox/loadSandbox';
import { withSerialisedGlobalState } from './vscode/storage/serialisedMemento';

export interface VeriffTestSessionsApi extends SessionsApi {
  readonly version: 1;
  /** Only in extension tests (or with VERIFF_TEST_HOOKS=1): the composed parts, for assertions. */
  readonly testing?: {
    readonly services: Services;
    /** How long `activate` took (the number in the "activated … in X ms" log line). */
    readonly activationMs: number;
    /** Whether undici (dist/undici.js) has been loaded in this extension host. */
    isUndiciLoaded(): boolean;
    /** Whether the sandbox server (dist/sandbox.js) has been loaded in this extension host. */
    isSandboxLoaded(): boolean;
    /** Which lazy parts are loaded: the command bodies (with how long their `require` took), what talks to Veriff, tracking from text, the sandbox adapter. */
    lazyParts(): LazyParts;
  };
}

interface LazyParts {
  commands: boolean;
  commandsLoadMs?: number;
  veriff: boolean;
  tracking: boolean;
  localSandbox: boolean;
}

export function activate(extensionContext: vscode.ExtensionContext): VeriffTestSessionsApi {
  const started = performance.now();
  // One globalState write at a time for every part: concurrent writes of different keys undo each other.
  const context = withSerialisedGlobalState(extensionContext);
  const log = new VeriffLog(extensionContext.extension.id);
  const credentials = new CredentialStore(context, log, () => loadVeriffPart().credentialWrites);
  const access = new VeriffAccess(credentials, log, loadVeriffPart);
  // One shared store per window (one watcher and poll on the folder) for the sessions and the budget;
  // its clock follows the budget's time, which tests swap with BudgetService.reload.
  const budgetTime = new BudgetTimeSource();
  const ui = vscodeUserInput(loadCommands);
  const shared = openSharedStore(context.globalStorageUri, log, ui, () => budgetTime.clock);
  const sessions = new SessionRepository(context, log, systemClock, { shared });
  const terminalOutput = new TerminalOutputRecorder((m) => log.warn(m));
  // The sandbox adapter (dist/localSandbox.js) is built on first use.
  let localSandbox: LocalSandbox | undefined;
  const sandbox = (): LocalSandbox => (localSandbox ??= new (loadSandboxPart().LocalSandbox)(context, log, credentials));
  const base: BaseServices = withGetter({ context, log, credentials, access, sessions, clock: systemClock, ui, terminalOutput, contextKeys: new ContextKeys() }, 'sandbox', sandbox);

  // The delete budget and queue (shared by all windows) and the one delete pipeline, which spends
  // from that budget; the queue sends through the pipeline once it runs (after activation).
  // The pipeline is built (loading dist/veriff.js) on the first delete.
  let pipeline: DeletePipeline | undefined;
  const deletePipeline = (): DeletePipeline =>
    (pipeline ??= new (loadVeriffPart().DeletePipeline)({
      budget,
      sessions: sessions.store,
      log,
      clock: systemClock,
      describe: (failure) => loadVeriffPart().describeFailure(failure).text,
      onAnswer: (target, _id, result) => budgetStatusBar.noteProblem(target.key, loadVeriffPart().problemOfDeleteResult(result)),
    }));
  const budget: BudgetService = new BudgetService(base, { pipeline: deletePipeline, parts: loadVeriffPart, store: shared, time: budgetTime });
  const budgetStatusBar = new BudgetStatusBar(base, budget, loadVeriffPart);
  const sessionTree = new SessionTreeProvider(base, budget, loadVeriffPart);
  // One object: tests swap `ui` on it and every part sees the swap.
  const services: Services = withGetter(Object.assign(base, { budgetService: budget, deleteQueue: budget, budgetStatusBar, sessionTree }), 'pipeline', deletePipeline);
  context.subscriptions.push(log, credentials, access, sessions, shared, terminalOutput, { dispose: () => localSandbox?.dispose() }, ...registerCommands(services));
  const trackingFiles = new TrackingFileWatcher(services);
  const [sessionsApi, sessionsApiDisposable] = buildSessionsApi(services);
  context.subscriptions.push(trackingFiles, sessionsApiDisposable, trackSessionCountContext(services), new TestRunOffer(services, trackingFiles));
  trackingFiles.start();
  context.subscriptions.push(budget, budgetStatusBar, budget.onDidChange(() => sessionTree.refreshRows()));

  const autoRefresh = new AutoRefresher(services);
  context.subscriptions.push(autoRefresh, ...registerSessionsView(services, { autoRefresh }));

  context.subscriptions.push(trackCredentialsContext(services));

  const activationMs = performance.now() - started;
  log.info(`Veriff Test Sessions ${context.extension.packageJSON.version} activated on VS Code ${vscode.version} in ${activationMs.toFixed(1)} ms`);
  if (process.env.VERIFF_DEMO === '1') {
    void guard(services, 'Demo', () => loadSandboxPart().runDemo(services));
  } else {
    // After a reload, when it was running and not stopped by the user; or an earlier run's sandbox.json to check.
    void sandboxWorkAtStart(context)
      .then((work) => (work ? sandbox().resume() : undefined))
      .catch((err: unknown) => log.error(`Local sandbox: could not be checked at start: ${err instanceof Error ? err.message : String(err)}`));
  }
  const testHooks = context.extensionMode === vscode.ExtensionMode.Test || process.env.VERIFF_TEST_HOOKS === '1';
  return { version: 1, ...sessionsApi, ...(testHooks ? { testing: { services, activationMs, isUndiciLoaded, isSandboxLoaded, lazyParts } } : {}) };
}

function lazyParts(): LazyParts {
  const commands = commandsLoad();
  return { commands: commands.loaded, commandsLoadMs: commands.ms, veriff: isVeriffPartLoaded(), tracking: isTrackingPartLoaded(), localSandbox: isSandboxPartLoaded() };
}

function withGetter<T extends object, K extends string, V>(target: T, key: K, get: () => V): T & Record<K, V> {
  return Object.defineProperty(target, key, { get, enumerable: true }) as T & Record<K, V>;
}

export function deactivate(): void {
  // Disposables registered on the context are released by VS Code.
}
