import * as vscode from 'vscode';
import type { Services } from '../../services';
import { offerToStartSandbox } from '../../sandboxStartOffer';

/**
 * "Veriff: Copy Sandbox Environment": puts `VERIFF_API_URL=… VERIFF_API_KEY=… VERIFF_SHARED_SECRET=…`
 * on the clipboard, ready to put before a test command. The only place the sandbox's secret leaves
 * SecretStorage, and only on this explicit request; it is never shown or logged.
 */
export async function copySandboxEnv(services: Services): Promise<boolean | undefined> {
  const running = services.sandbox.running;
  if (!running) {
    offerToStartSandbox(
      services,
      'information',
      vscode.l10n.t('The local Veriff sandbox is not running, so there is no environment to copy yet.'),
      'Copying the sandbox environment',
      () => vscode.commands.executeCommand('veriff.copySandboxEnv'),
    );
    return false;
  }
  const { apiKey, sharedSecret } = running.credentials;
  await vscode.env.clipboard.writeText(`VERIFF_API_URL=${running.url} VERIFF_API_KEY=${apiKey} VERIFF_SHARED_SECRET=${sharedSecret}`);
  services.log.info(`Sandbox environment for ${running.url} copied to the clipboard (VERIFF_API_URL, VERIFF_API_KEY, VERIFF_SHARED_SECRET)`);
  void services.ui.showInformationMessage(
    vscode.l10n.t(
      'Copied VERIFF_API_URL, VERIFF_API_KEY and VERIFF_SHARED_SECRET to the clipboard. Paste them before your test command; they hold the sandbox\'s shared secret. Sandbox URL: {0}',
      running.url,
    ),
  );
  return true;
}
