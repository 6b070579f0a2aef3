import * as vscode from 'vscode';
import { SecretStorageUnavailableError } from './credentials';
import type { BaseServices } from './baseServices';

type Shows = Pick<BaseServices, 'ui' | 'log'>;

/**
 * The one place where failures reach the user: a clear message and a button to the fix. Shown,
 * never awaited: a notification's promise settles only when the user closes it, and nothing may
 * wait for that.
 */
export function showFailure(services: Shows, message: string, opts: { credentialsFix?: boolean } = {}): void {
  const setCredentials = vscode.l10n.t('Set API Credentials');
  const showLog = vscode.l10n.t('Show Log');
  const buttons = opts.credentialsFix ? [setCredentials, showLog] : [showLog];
  void services.ui.showErrorMessage(message, ...buttons).then((choice) => {
    if (choice === setCredentials) {
      void vscode.commands.executeCommand('veriff.setCredentials');
    } else if (choice === showLog) {
      void vscode.commands.executeCommand('veriff.showLog');
    }
  });
}

/** Runs a command body and turns anything thrown into one clear message (never swallowed). */
export async function guard<T>(services: Shows, what: string, body: () => Promise<T>): Promise<T | undefined> {
  try {
    return await body();
  } catch (err) {
    const text = err instanceof Error ? err.message : String(err);
    services.log.error(`${what} failed: ${text}`);
    showFailure(services, err instanceof SecretStorageUnavailableError ? text : vscode.l10n.t('{0} failed: {1}', what, text));
    return undefined;
  }
}
