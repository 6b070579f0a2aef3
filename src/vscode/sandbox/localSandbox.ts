import { randomBytes, randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import { maskApiKey } from '../../core/mask';
import type { ObservedSandboxState } from '../../sandbox/observedSandboxState';
import type { VeriffServer } from '../../sandbox/veriffServer';
import type { CredentialStore, Integration } from '../credentials';
import type { VeriffLog } from '../log';
import { loadSandbox } from './loadSandbox';
import { SandboxPersistence } from './sandboxPersistence';
import { reconcileSnapshot, type SandboxCredentials } from './sandboxSnapshotFile';
import { WAS_RUNNING_KEY, wasRunning } from './sandboxAtStart';

export const SANDBOX_INTEGRATION_NAME = 'Local Sandbox';

/** A started sandbox: the Veriff-compatible server, its state and the integration that points at it. */
export interface RunningSandbox {
  readonly server: VeriffServer;
  readonly state: ObservedSandboxState;
  /** `http://127.0.0.1:PORT`, also the integration's API URL. */
  readonly url: string;
  readonly port: number;
  readonly integration: Integration;
  readonly credentials: SandboxCredentials;
  /** Sessions restored from the previous run's sandbox.json. */
  readonly restoredSessions: number;
}

export interface StartResult {
  sandbox: RunningSandbox;
  alreadyRunning: boolean;
}

function sandboxSettings(): { port: number; persistState: boolean } {
  const config = vscode.workspace.getConfiguration('veriff.sandbox');
  const port = config.get<number>('port', 0);
  return {
    port: Number.isInteger(port) && port > 0 && port <= 65535 ? port : 0,
    persistState: config.get<boolean>('persistState', true),
  };
}

/**
 * "Start Local Sandbox": the Veriff-compatible server of src/sandbox running inside the
 * extension host on 127.0.0.1, with its own integration ("Local Sandbox") whose API key and shared
 * secret live in SecretStorage like any other. Its state survives restarts in sandbox.json, which
 * holds only fingerprints of them.
 */
export class LocalSandbox implements vscode.Disposable {
  private current: RunningSandbox | undefined;
  /** Start and stop run one at a time. */
  private queue: Promise<unknown> = Promise.resolve();
  private readonly persistence: SandboxPersistence;
  private readonly changed = new vscode.EventEmitter<RunningSandbox | undefined>();
  /** Fires with the running sandbox after a start, undefined after a stop. */
  readonly onDidChange = this.changed.event;
  private disposed = false;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly log: VeriffLog,
    private readonly credentials: CredentialStore,
  ) {
    this.persistence = new SandboxPersistence(context.globalStorageUri, log);
    this.updateContext();
    // Before any start (starts wait in the same queue): a file of an earlier version loses its plain-text key.
    void this.serialise(() => this.persistence.migratePlainKeys());
  }

  get running(): RunningSandbox | undefined {
    return this.current;
  }

  /** The integration the sandbox created (running or not). */
  integration(): Integration | undefined {
    return this.credentials.list().find((i) => i.sandbox === true);
  }

  isActive(): boolean {
    return this.credentials.active()?.sandbox === true;
  }

  /** Starts the sandbox (or returns the running one) and makes its integration the active one. */
  start(): Promise<StartResult> {
    return this.serialise(() => this.doStart(false));
  }

  /**
   * At activation: starts the sandbox again when it was running when VS Code last stopped (a window
   * reload, a restart) and was not stopped by the user. Only on its previous port: when that is
   * taken (another window runs it) nothing starts, so two sandboxes never fight over one integration.
   */
  async resume(): Promise<RunningSandbox | undefined> {
    if (!wasRunning(this.context) || this.current) {
      return undefined;
    }
    try {
      const { sandbox } = await this.serialise(() => this.doStart(true));
      return sandbox;
    } catch (err) {
      this.log.info(`Local sandbox not resumed: ${errorMessage(err)}. Start it with "Veriff: Start Local Sandbox".`);
      return undefined;
    }
  }

  /** Stops the sandbox, saves its state and frees the port; false when it was not running. */
  stop(): Promise<boolean> {
    return this.serialise(() => this.doStop());
  }

  private serialise<T>(body: () => Promise<T>): Promise<T> {
    const next = this.queue.then(body, body);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async doStart(resuming: boolean): Promise<StartResult> {
    if (this.current) {
      const integration = await this.ensureIntegration(this.current);
      this.current = { ...this.current, integration };
      return { sandbox: this.current, alreadyRunning: true };
    }
    const existing = this.integration();
    const stored = existing ? await this.credentials.getSecrets(existing) : undefined;
    const credentials: SandboxCredentials = stored ?? { apiKey: randomUUID(), sharedSecret: randomBytes(32).toString('hex') };
    this.log.addSecret(credentials.apiKey);
    this.log.addSecret(credentials.sharedSecret);

    const { port, persistState } = sandboxSettings();
    const state = new (loadSandbox().ObservedSandboxState)();
    let restoredSessions = 0;
    if (persistState) {
      restoredSessions = await this.restoreInto(state, credentials);
    }
    const registered = state.getIntegration(credentials.apiKey);
    if (registered?.sharedSecret !== credentials.sharedSecret) {
      state.addIntegration(credentials.apiKey, credentials.sharedSecret);
    }

    const server = await this.listen(state, port, existing?.apiUrl, resuming);
    if (this.disposed) {
      await server.close();
      throw new Error('the extension is shutting down');
    }
    let integration: Integration;
    try {
      integration = await this.credentials.upsert({
        name: this.integrationName(existing),
        apiUrl: server.url,
        apiKey: credentials.apiKey,
        sharedSecret: credentials.sharedSecret,
        sandbox: true,
      });
    } catch (err) {
      await server.close();
      throw err;
    }
    if (persistState) {
      this.persistence.track(state);
      state.onDidChange(() => this.persistence.scheduleSave());
      this.persistence.scheduleSave();
    }
    this.current = { server, state, url: server.url, port: server.port, integration, credentials, restoredSessions };
    await this.context.globalState.update(WAS_RUNNING_KEY, true);
    this.log.info(
      `Local sandbox ${resuming ? 'resumed' : 'started'} at ${server.url} (integration "${integration.name}", key ${maskApiKey(credentials.apiKey)}` +
        `${persistState ? `, ${restoredSessions} session(s) restored from ${this.persistence.fileUri.fsPath}` : ', state not persisted'}); it is now the active integration`,
    );
    this.updateContext();
    this.changed.fire(this.current);
    return { sandbox: this.current, alreadyRunning: false };
  }

  /** Reads sandbox.json into the state; returns how many sessions came back. */
  private async restoreInto(state: ObservedSandboxState, credentials: SandboxCredentials): Promise<number> {
    const data = await this.persistence.load();
    if (data === undefined) {
      return 0;
    }
    const reconciled = reconcileSnapshot(data, credentials);
    const restored = reconciled.ok ? state.restore(reconciled.snapshot) : reconciled;
    if (!restored.ok) {
      this.log.warn(`Local sandbox: the saved state was not restored (${restored.reason}); starting empty`);
      return 0;
    }
    if (reconciled.ok && reconciled.reRegistered) {
      this.log.warn('Local sandbox: the saved state belonged to other credentials; its sessions were moved to the current "Local Sandbox" credentials');
    }
    return state.listSessions().length;
  }

  /**
   * Listens on the configured port; with "0" it tries the previous run's port first so the API URL
   * (and any copied environment) stays the same, and takes a free one when that is busy.
   */
  private async listen(state: ObservedSandboxState, port: number, previousUrl: string | undefined, resuming: boolean): Promise<VeriffServer> {
    if (resuming) {
      const wanted = port > 0 ? port : previousPort(previousUrl);
      if (!wanted) {
        throw new Error('no previous port is known');
      }
      try {
        return await loadSandbox().VeriffServer.start({ port: wanted, state });
      } catch (err) {
        throw new Error(`port ${wanted} is taken (${errorMessage(err)}), perhaps by the sandbox of another window`);
      }
    }
    if (port > 0) {
      try {
        return await loadSandbox().VeriffServer.start({ port, state });
      } catch (err) {
        throw new Error(
          vscode.l10n.t('Port {0} is not available ({1}). Change the setting "veriff.sandbox.port" (0 picks a free port).', String(port), errorMessage(err)),
        );
      }
    }
    const previous = previousPort(previousUrl);
    if (previous) {
      try {
        return await loadSandbox().VeriffServer.start({ port: previous, state });
      } catch {
        this.log.info(`Local sandbox: port ${previous} of the previous run is busy; taking a free port`);
      }
    }
    return loadSandbox().VeriffServer.start({ port: 0, state });
  }

  /** "Local Sandbox", unless the user named an integration of their own that way. */
  private integrationName(existing: Integration | undefined): string {
    if (existing) {
      return existing.name;
    }
    const taken = this.credentials.find(SANDBOX_INTEGRATION_NAME);
    return taken && !taken.sandbox ? `${SANDBOX_INTEGRATION_NAME} (extension)` : SANDBOX_INTEGRATION_NAME;
  }

  /** Re-creates or re-activates the sandbox integration when it was removed, edited or switched away from. */
  private async ensureIntegration(running: RunningSandbox): Promise<Integration> {
    const integration = this.integration();
    const secrets = integration ? await this.credentials.getSecrets(integration) : undefined;
    const intact =
      integration &&
      integration.apiUrl === running.url &&
      secrets?.apiKey === running.credentials.apiKey &&
      secrets.sharedSecret === running.credentials.sharedSecret;
    if (integration && intact) {
      if (this.credentials.active()?.id !== integration.id) {
        await this.credentials.setActive(integration.id);
      }
      return integration;
    }
    return this.credentials.upsert({
      name: this.integrationName(integration),
      apiUrl: running.url,
      apiKey: running.credentials.apiKey,
      sharedSecret: running.credentials.sharedSecret,
      sandbox: true,
    });
  }

  private async doStop(): Promise<boolean> {
    const running = this.current;
    if (!running) {
      return false;
    }
    this.current = undefined;
    running.state.onDidChange(undefined);
    await running.server.close();
    await this.persistence.flush();
    this.persistence.track(undefined);
    if (this.disposed) {
      return true; // the extension is shutting down: the log channel and context keys are gone
    }
    await this.context.globalState.update(WAS_RUNNING_KEY, false);
    this.log.info(`Local sandbox at ${running.url} stopped; port ${running.port} is free`);
    this.updateContext();
    this.changed.fire(undefined);
    return true;
  }

  /** `veriff.activeIsSandbox` follows the credentials (contextKeys.ts), also while this is not loaded. */
  private updateContext(): void {
    void vscode.commands.executeCommand('setContext', 'veriff.sandboxRunning', this.current !== undefined);
  }

  /** VS Code is shutting down or reloading: save synchronously (no time for more), then close. */
  dispose(): void {
    this.disposed = true;
    const running = this.current;
    if (running) {
      this.current = undefined;
      running.state.onDidChange(undefined);
      this.persistence.saveNowSync();
      this.persistence.track(undefined);
      void running.server.close();
    }
    this.changed.dispose();
  }
}

function previousPort(url: string | undefined): number | undefined {
  if (!url) {
    return undefined;
  }
  try {
    const parsed = new URL(url);
    const port = Number(parsed.port);
    return parsed.hostname === '127.0.0.1' && Number.isInteger(port) && port > 0 ? port : undefined;
  } catch {
    return undefined;
  }
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
