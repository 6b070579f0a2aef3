import * as vscode from 'vscode';
import { maskApiKey } from '../core/mask';
import type { ApiCallLogEntry, formatLogLine, VeriffClient } from '../core/veriffClient';
import type { CredentialStore, Integration, IntegrationSecrets } from './credentials';
import type { VeriffLog } from './log';
import { settings } from './settings';

/** The client's module (dist/veriff.js), loaded on the first request. */
export interface ClientModule {
  readonly VeriffClient: typeof VeriffClient;
  readonly formatLogLine: typeof formatLogLine;
}

export interface Connection {
  readonly integration: Integration;
  readonly client: VeriffClient;
  readonly secrets: IntegrationSecrets;
}

/**
 * Builds (and caches) one VeriffClient per integration from SecretStorage and settings, and
 * writes each request's log line. Clients are rebuilt when credentials or settings change.
 */
export class VeriffAccess implements vscode.Disposable {
  private readonly clients = new Map<string, { key: string; connection: Connection }>();
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(
    private readonly credentials: CredentialStore,
    private readonly log: VeriffLog,
    private readonly clientModule: () => ClientModule,
  ) {
    this.subscriptions.push(
      credentials.onDidChange(() => this.reset()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('veriff.requestTimeoutSeconds') || e.affectsConfiguration('http')) {
          this.reset();
        }
      }),
    );
  }

  /** The active integration's connection, or undefined when no integration or secrets exist. */
  async connect(integration: Integration | undefined = this.credentials.active()): Promise<Connection | undefined> {
    if (!integration) {
      return undefined;
    }
    const secrets = await this.credentials.getSecrets(integration);
    if (!secrets) {
      return undefined;
    }
    const key = JSON.stringify([integration.apiUrl, secrets.apiKey, secrets.sharedSecret.length, settings.requestTimeoutMs(), settings.proxy()]);
    const cached = this.clients.get(integration.id);
    if (cached && cached.key === key && cached.connection.secrets.sharedSecret === secrets.sharedSecret) {
      return cached.connection;
    }
    const masked = maskApiKey(secrets.apiKey);
    const { VeriffClient } = this.clientModule();
    const client = new VeriffClient({
      apiUrl: integration.apiUrl,
      apiKey: secrets.apiKey,
      sharedSecret: secrets.sharedSecret,
      timeoutMs: settings.requestTimeoutMs(),
      proxy: settings.proxy(),
      onRequestLog: (entry: ApiCallLogEntry) => this.writeLog(entry, integration.name, masked),
    });
    const connection: Connection = { integration, client, secrets };
    this.clients.set(integration.id, { key, connection });
    return connection;
  }

  private writeLog(entry: ApiCallLogEntry, integrationName: string, masked: string): void {
    const line = `[${integrationName}] ${this.clientModule().formatLogLine(entry, masked)}`;
    if (entry.outcome === 'ok') {
      this.log.info(line);
    } else if (entry.outcome === 'cancelled' || entry.outcome === 'invalidInput') {
      this.log.warn(line);
    } else {
      this.log.error(line);
    }
  }

  reset(): void {
    for (const { connection } of this.clients.values()) {
      void connection.client.close();
    }
    this.clients.clear();
  }

  dispose(): void {
    this.reset();
    for (const s of this.subscriptions) {
      s.dispose();
    }
  }
}
