import * as vscode from 'vscode';
import type { Services } from '../../services';

/** "Veriff: Start Local Sandbox": starts the sandbox (or finds it running) and switches to it. Returns its URL. */
export async function startSandbox(services: Services): Promise<string | undefined> {
  const { sandbox, alreadyRunning } = await services.sandbox.start();
  const copy = vscode.l10n.t('Copy Sandbox Environment');
  const text = alreadyRunning
    ? vscode.l10n.t('The local Veriff sandbox is already running and is the active integration: {0}', sandbox.url)
    : vscode.l10n.t('The local Veriff sandbox is running and is now the active integration: {0}', sandbox.url);
  void services.ui.showInformationMessage(text, copy).then((choice) => {
    if (choice === copy) {
      void vscode.commands.executeCommand('veriff.copySandboxEnv');
    }
  });
  return sandbox.url;
}
