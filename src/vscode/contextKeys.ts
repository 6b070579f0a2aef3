import * as vscode from 'vscode';
import type { CredentialStore } from './credentials';
import type { SessionRepository } from './storage/sessionRepository';

/** What the context keys follow (a slice of the services, named here so this file needs no services type). */
interface KeyedParts {
  readonly contextKeys: ContextKeys;
  readonly credentials: CredentialStore;
  readonly sessions: SessionRepository;
}

/** Sets the extension's context keys for `when` clauses and remembers what it set (VS Code offers no way to read one back). */
export class ContextKeys {
  private readonly values = new Map<string, unknown>();

  /** Resolves once VS Code has the value. */
  async set(key: string, value: unknown): Promise<void> {
    await vscode.commands.executeCommand('setContext', key, value);
    this.values.set(key, value);
  }

  /** The value last set by this extension (tests). */
  get(key: string): unknown {
    return this.values.get(key);
  }
}

/**
 * Keeps `veriff.hasCredentials` in step with the integrations: it hides the commands that need
 * credentials from the palette and the menus until there are some. `veriff.activeIsSandbox`: the
 * active integration is the local sandbox's (its commands show).
 */
export function trackCredentialsContext(services: KeyedParts): vscode.Disposable {
  const update = (): void => {
    void services.contextKeys.set('veriff.hasCredentials', services.credentials.list().length > 0);
    void services.contextKeys.set('veriff.activeIsSandbox', services.credentials.active()?.sandbox === true);
  };
  // Right after activation: only menus and the palette read these keys, and they wait for nothing.
  const first = setImmediate(update);
  const sub = services.credentials.onDidChange(update);
  return { dispose: () => (clearImmediate(first), sub.dispose()) };
}

/**
 * Keeps the `veriff.sessionCount` context key (tracked sessions of the active integration) in step
 * with the store, for `when` clauses such as the "nothing tracked yet" welcome view.
 */
export function trackSessionCountContext(services: KeyedParts): vscode.Disposable {
  let last: number | undefined;
  const update = () => {
    const active = services.credentials.active();
    const count = active ? services.sessions.store.size(active.id) : 0;
    if (count !== last) {
      last = count;
      void services.contextKeys.set('veriff.sessionCount', count);
    }
  };
  const first = setImmediate(update); // as above: right after activation
  const storeSub = services.sessions.store.onDidChange(update);
  const credentialsSub = services.credentials.onDidChange(update);
  return { dispose: () => (clearImmediate(first), storeSub.dispose(), credentialsSub.dispose()) };
}
