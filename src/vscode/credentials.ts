import { createHash } from 'node:crypto';
import * as vscode from 'vscode';
import { ENVIRONMENT_INTEGRATION_NAME, readEnvironmentCredentials } from '../core/environmentCredentials';

export interface Integration {
  /** Stable random id; the secrets are stored under it. */
  readonly id: string;
  readonly name: string;
  readonly apiUrl: string;
  /** Created by "Start Local Sandbox". */
  readonly sandbox?: boolean;
  /** Read from the extension host's environment (setting veriff.credentialsFromEnvironment); never stored. */
  readonly environment?: boolean;
}

/** The id of the integration read from the environment (sessions and the active choice refer to it). */
export const ENVIRONMENT_INTEGRATION_ID = 'environment';
const ENVIRONMENT_SETTING = 'credentialsFromEnvironment';

export interface IntegrationSecrets {
  readonly apiKey: string;
  readonly sharedSecret: string;
}

export const LIST_KEY = 'veriff.integrations';
export const ACTIVE_KEY = 'veriff.activeIntegration';
export const SECRET_PREFIX = 'veriff.credentials.';
/** A secret whose change tells other windows that the integration list changed. */
export const REVISION_SECRET = 'veriff.integrationsRevision';

export interface IntegrationInput {
  name: string;
  apiUrl: string;
  apiKey: string;
  sharedSecret: string;
  sandbox?: boolean;
}

/** What the writes of integrations change in a CredentialStore. */
export interface WritableCredentials {
  readonly context: vscode.ExtensionContext;
  readonly sink?: SecretSink;
  /** The integrations kept in global state (never the environment's). */
  stored(): Integration[];
  find(nameOrId: string): Integration | undefined;
  /** Drops the cached secrets of an integration. */
  forget(id: string): void;
  /** Tells listeners that integrations changed. */
  changed(): void;
}

/** Saving, switching and removing integrations: credentialWrites.ts, loaded (with dist/veriff.js) when a command or the sandbox writes. */
export interface CredentialWrites {
  upsert(store: WritableCredentials, input: IntegrationInput): Promise<Integration>;
  setActive(store: WritableCredentials, id: string): Promise<void>;
  remove(store: WritableCredentials, id: string): Promise<void>;
}

export class SecretStorageUnavailableError extends Error {
  constructor(cause: unknown) {
    super(
      vscode.l10n.t(
        'VS Code could not use the system keyring to keep your Veriff credentials. On Linux install and unlock a keyring (GNOME Keyring or KWallet), or set VS Code\'s "password-store" runtime argument (Preferences: Configure Runtime Arguments), then try again. Details: {0}',
        cause instanceof Error ? cause.message : String(cause),
      ),
    );
    this.name = 'SecretStorageUnavailableError';
  }
}

/** A short, non-reversible label for an API key (used as the budget ledger's key). */
export function apiKeyFingerprint(apiKey: string): string {
  return createHash('sha256').update(`veriff-budget:${apiKey.toLowerCase()}`).digest('hex').slice(0, 16);
}

/** Told every API key and shared secret read or saved, so it can mask them (the log). */
export interface SecretSink {
  addSecret(value: string | undefined): void;
  warn?(message: string): void;
}

/**
 * Integrations: names and URLs in global state, API key and shared secret only in SecretStorage.
 * There is no settings fallback and never a plain-text one. Every secret passing through is handed
 * to the sink first, so the log masks it whichever part uses it. With the (application-scoped)
 * setting veriff.credentialsFromEnvironment on, one more integration, "Environment", comes from
 * VERIFF_API_URL / VERIFF_API_KEY / VERIFF_SHARED_SECRET of the extension host's environment: read
 * when needed, held in memory only, never written (for code-server and Codespaces, where
 * SecretStorage lives in the browser profile).
 */
export class CredentialStore implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly cache = new Map<string, IntegrationSecrets | undefined>();
  private readonly subscription: vscode.Disposable;
  private readonly configSubscription: vscode.Disposable;
  /** The last problem reported about the environment's variables (reported once each). */
  private environmentProblem: string | undefined;

  private readonly writable: WritableCredentials;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly sink: SecretSink | undefined,
    private readonly writes: () => CredentialWrites,
  ) {
    this.writable = {
      context,
      sink,
      stored: () => this.stored(),
      find: (nameOrId) => this.find(nameOrId),
      forget: (id) => this.cache.delete(id),
      changed: () => this.changed.fire(),
    };
    this.subscription = context.secrets.onDidChange((e) => {
      if (e.key === REVISION_SECRET || e.key.startsWith(SECRET_PREFIX)) {
        this.cache.clear();
        this.changed.fire();
      }
    });
    this.configSubscription = vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(`veriff.${ENVIRONMENT_SETTING}`)) {
        this.changed.fire();
      }
    });
  }

  list(): Integration[] {
    const stored = this.stored();
    const fromEnvironment = this.environment();
    return fromEnvironment ? [...stored, fromEnvironment.integration] : stored;
  }

  /** The integrations kept in global state (what upsert and remove write back: never the environment's). */
  private stored(): Integration[] {
    const raw = this.context.globalState.get<unknown>(LIST_KEY);
    if (!Array.isArray(raw)) {
      return [];
    }
    return raw.filter(
      (i): i is Integration =>
        !!i && typeof i.id === 'string' && typeof i.name === 'string' && typeof i.apiUrl === 'string' && i.id !== ENVIRONMENT_INTEGRATION_ID,
    );
  }

  /** The "Environment" integration and its secrets, when the setting is on and the variables are usable. */
  private environment(): { integration: Integration; secrets: IntegrationSecrets } | undefined {
    if (!vscode.workspace.getConfiguration('veriff').get<boolean>(ENVIRONMENT_SETTING, false)) {
      return undefined;
    }
    const read = readEnvironmentCredentials(process.env);
    if (read.kind !== 'ok') {
      if (read.kind === 'invalid' && read.problem !== this.environmentProblem) {
        this.environmentProblem = read.problem;
        this.sink?.warn?.(`Credentials from the environment not used: ${read.problem}`);
      }
      return undefined;
    }
    this.environmentProblem = undefined;
    this.sink?.addSecret(read.apiKey);
    this.sink?.addSecret(read.sharedSecret);
    return {
      integration: { id: ENVIRONMENT_INTEGRATION_ID, name: ENVIRONMENT_INTEGRATION_NAME, apiUrl: read.apiUrl, environment: true },
      secrets: { apiKey: read.apiKey, sharedSecret: read.sharedSecret },
    };
  }

  find(nameOrId: string): Integration | undefined {
    const key = nameOrId.trim().toLowerCase();
    return this.list().find((i) => i.id === nameOrId || i.name.toLowerCase() === key);
  }

  active(): Integration | undefined {
    const list = this.list();
    const id = this.context.globalState.get<string>(ACTIVE_KEY);
    return list.find((i) => i.id === id) ?? list[0];
  }

  async getSecrets(integration: Integration): Promise<IntegrationSecrets | undefined> {
    if (integration.id === ENVIRONMENT_INTEGRATION_ID) {
      return this.environment()?.secrets;
    }
    if (this.cache.has(integration.id)) {
      return this.cache.get(integration.id);
    }
    let raw: string | undefined;
    try {
      raw = await this.context.secrets.get(SECRET_PREFIX + integration.id);
    } catch (err) {
      throw new SecretStorageUnavailableError(err);
    }
    let value: IntegrationSecrets | undefined;
    try {
      const parsed = raw ? JSON.parse(raw) : undefined;
      if (parsed && typeof parsed.apiKey === 'string' && typeof parsed.sharedSecret === 'string') {
        value = { apiKey: parsed.apiKey, sharedSecret: parsed.sharedSecret };
        this.sink?.addSecret(value.apiKey);
        this.sink?.addSecret(value.sharedSecret);
      }
    } catch {
      value = undefined;
    }
    this.cache.set(integration.id, value);
    return value;
  }

  /** Adds or updates an integration by name (and makes it active). Secrets are written first: a failure changes nothing. */
  upsert(input: IntegrationInput): Promise<Integration> {
    return this.writes().upsert(this.writable, input);
  }

  setActive(id: string): Promise<void> {
    return this.writes().setActive(this.writable, id);
  }

  remove(id: string): Promise<void> {
    return this.writes().remove(this.writable, id);
  }

  dispose(): void {
    this.subscription.dispose();
    this.configSubscription.dispose();
    this.changed.dispose();
  }
}
